from app.explanation import Score
from pages._shared import client_id_from, field_axis_label, field_value_text, risk_sentences


def test_client_ids_come_from_urls_and_typing():
    assert client_id_from("100002") == 100002
    assert client_id_from(" 100002 ") == 100002
    assert client_id_from("none") is None
    assert client_id_from(None) is None
    assert client_id_from("12a") is None


def test_the_risk_is_told_against_the_threshold_in_client_words():
    above = risk_sentences(Score(1, 0.12, 0.09, "1"), "fr")
    assert above == (
        "Le risque estimé est de 12,0\u202f%, le seuil d’acceptation est de 9,0\u202f%. "
        "Il dépasse le seuil de 3,0\u00a0points."
    )
    below = risk_sentences(Score(1, 0.085, 0.09, "1"), "en")
    assert below.endswith("It is 0.5 points below the threshold.")


def test_a_decision_never_looks_contradictory():
    """11.62 % refused against 11.58 %: one decimal would read "11,6 %" twice; both get two decimals."""
    refused = risk_sentences(Score(1, 0.1162, 0.1158, "1"), "fr")
    assert "11,62\u202f%" in refused and "11,58\u202f%" in refused and "0,04\u00a0point." in refused
    accepted = risk_sentences(Score(1, 0.11579, 0.1158, "1"), "en")
    assert "11.579%" in accepted and "11.580%" in accepted and "0.001 points below" in accepted
    assert risk_sentences(Score(1, 0.1158, 0.1158, "1"), "en").endswith("It reaches the threshold.")


def test_descriptive_fields_read_as_a_person_reads_them():
    assert field_value_text("age_years", 43.2, "fr") == "43\u00a0ans"
    assert field_value_text("income", 12345.0, "fr") == "12\u202f345\u00a0€"
    assert field_value_text("education", "Secondary / secondary special", "fr") == "Secondaire"
    assert field_value_text("occupation", None, "fr") == "non renseigné"
    assert field_axis_label("income", "fr") == "Revenu annuel (€)"
