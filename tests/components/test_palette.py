from components import palette


def test_text_colours_reach_aa_contrast_on_white():
    for colour in (palette.BLUE, palette.RISKY_TEXT, palette.GREY, palette.BLACK):
        assert palette.contrast_ratio(colour) >= 4.5, colour


def test_graphical_colours_reach_3_to_1_on_white():
    for colour in (palette.SAFE, palette.RISKY, palette.NEUTRAL, palette.BLUISH_GREEN):
        assert palette.contrast_ratio(colour) >= 3, colour


def test_every_group_has_a_cue_besides_colour():
    dashes = {s.dash for s in palette.GROUP_STYLES}
    patterns = {s.pattern for s in palette.GROUP_STYLES}
    symbols = {s.symbol for s in palette.GROUP_STYLES}
    n = len(palette.GROUP_STYLES)
    assert len(dashes) == len(patterns) == len(symbols) == n


def test_group_style_cycles():
    assert palette.group_style(len(palette.GROUP_STYLES)) == palette.group_style(0)


def test_contrast_ratio_extremes():
    assert round(palette.contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert palette.contrast_ratio("#FFFFFF", "#FFFFFF") == 1.0
