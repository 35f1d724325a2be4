import re

import pytest

from app.i18n import CATALOGUE, language, t


def test_french_and_english_have_the_same_keys():
    assert set(CATALOGUE["fr"]) == set(CATALOGUE["en"])


def test_templates_take_the_same_placeholders_in_both_languages():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"{(\w+)}", text))

    different = [k for k in CATALOGUE["fr"] if fields(CATALOGUE["fr"][k]) != fields(CATALOGUE["en"][k])]
    assert different == []


def test_t_fills_templates_and_defaults_to_french():
    assert t("api.unknown_client", client_id=7) == "client inconnu\u00a0: 7"
    assert t("api.unknown_client", "en", client_id=7) == "unknown client: 7"
    assert t("decision.refuse", "de") == "Crédit refusé"


def test_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize(
    ("asked", "got"), [("en-GB", "en"), ("EN", "en"), ("fr_FR", "fr"), (None, "fr"), ("de", "fr")]
)
def test_language_choice(asked, got):
    assert language(asked) == got
