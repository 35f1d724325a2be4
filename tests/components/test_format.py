from components._format import percent_suffix, separators, signed


def test_signed_always_writes_the_sign_in_french():
    assert signed(0.1234) == "+0,12"
    assert signed(-0.5) == "\u22120,50"
    assert signed(0.001) == "0,00"


def test_signed_in_english():
    assert signed(-0.5, "en") == "\u22120.50"


def test_plotly_separators_and_suffix():
    assert separators("fr") == ",\u202f"
    assert separators("en") == ".,"
    assert percent_suffix("fr") == "\u202f%"
    assert percent_suffix("en") == "%"
