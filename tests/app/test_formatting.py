from datetime import date

import pytest

from app import formatting as fmt

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_amount_groups_thousands_with_narrow_no_break_spaces():
    assert fmt.amount(12345) == f"12{NNBSP}345{NBSP}€"
    assert fmt.amount(1234567.891, decimals=2) == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"


def test_english_amount():
    assert fmt.amount(12345, "en") == "€12,345"
    assert fmt.amount(-12345.5, "en", 1) == "-€12,345.5"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_missing_values_are_said_in_words(value):
    assert fmt.amount(value) == "non renseigné"
    assert fmt.percent(value, "en") == "not given"


def test_percentages():
    assert fmt.percent(0.12) == f"12{NNBSP}%"
    assert fmt.percent(0.1234, "fr", 1) == f"12,3{NNBSP}%"
    assert fmt.percent(0.12, "en") == "12%"


def test_numbers_and_no_negative_zero():
    assert fmt.number(0.21, "fr", 2) == "0,21"
    assert fmt.number(-0.001, "fr", 1) == "0,0"
    assert fmt.number(1234.5, "en", 1) == "1,234.5"


def test_years_from_negative_days():
    assert fmt.years_from_days(-15706) == pytest.approx(43.0, abs=0.01)
    assert fmt.years(-15706) == f"43{NBSP}ans"
    assert fmt.years(-15706, "en") == "43 years"
    assert fmt.years(-400) == f"1{NBSP}an"
    assert fmt.years(-100, "en") == "less than a year"
    assert fmt.years(None) == "non renseigné"


def test_dates():
    day = date(2025, 11, 1)
    assert fmt.date_text(day) == "1er novembre 2025"
    assert fmt.date_text(day, "en") == "1 November 2025"
    assert fmt.date_text(day, "fr", "short") == "01/11/2025"
    assert fmt.date_text(day, "en", "short") == "2025-11-01"
    assert fmt.date_from_days(-10, day) == date(2025, 10, 22)


def test_label_value_uses_french_colon_spacing():
    assert fmt.label_value("Âge", "43 ans") == f"Âge{NBSP}: 43 ans"
    assert fmt.label_value("Age", "43 years", "en") == "Age: 43 years"


def test_one_precision_for_a_risk_and_its_threshold():
    from app.formatting import risk_texts

    texts = risk_texts(0.119, 0.1158, "fr")
    assert (texts.risk, texts.threshold, texts.gap) == ("11,9\u202f%", "11,6\u202f%", "0,3\u00a0point")
    close = risk_texts(0.11621, 0.11584, "en")  # 11.6 % both at one decimal: two are needed
    assert (close.risk, close.threshold, close.gap) == ("11.62%", "11.58%", "0.04 points")
    assert risk_texts(0.2186, 0.1158, "fr").gap == "10,3\u00a0points"  # 21,9 − 11,6, as the reader checks it


def test_no_page_writes_a_risk_or_threshold_its_own_way():
    """Every risk and threshold goes through app.formatting.risk / risk_texts: a page that rounded a
    threshold to a whole percent made "11,9 % … seuil 12 %" read as a contradiction beside "refusé"."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("app", "pages", "components"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "formatting.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"percent\(", line) and re.search(r"probab|(?<!share_)threshold|risk", line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
