import numpy as np
import pytest

from app.labels import FeatureCatalog, format_value, is_code, side_table_label, standing_of
from app.vocabulary import level_label
from model_training.data import typed_frame
from model_training.features.application import CATEGORICAL_FEATURES, application_features

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def application_feature_names() -> list[str]:
    return [c for c in application_features(typed_frame("application_test", [{"SK_ID_CURR": 1}])).columns][1:]


SIDE_TABLE_EXAMPLES = [
    "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM",
    "BUREAU_CREDIT_TYPE_MORTGAGE_SHARE",
    "BUREAU_BAL_LAST_12M_DPD_MONTHS_SUM",
    "PREV_LAST_365D_REFUSED_COUNT",
    "PREV_REFUSED_SHARE",
    "PREV_APPROVED_DAYS_LAST_DUE_1ST_VERSION_MAX",
    "POS_LOAN_COUNT",
    "POS_LAST_12M_SK_DPD_MAX",
    "INST_LATE_30D_SHARE",
    "INST_PAYMENT_RATIO_TOTAL",
    "CC_LAST_12M_UTILISATION_MEAN",
]


def test_every_application_feature_has_a_human_label_in_both_languages(application_feature_names):
    catalog = FeatureCatalog.build(application_feature_names, CATEGORICAL_FEATURES)
    for name in application_feature_names:
        for lang in ("fr", "en"):
            label = catalog.label(name, lang)
            assert label and not is_code(label), (name, lang, label)


@pytest.mark.parametrize("name", SIDE_TABLE_EXAMPLES)
def test_side_table_features_are_labelled_by_the_naming_grammar(name):
    for lang in ("fr", "en"):
        composed = side_table_label(name, lang)
        assert composed is not None, name
        assert not is_code(composed[0])


def test_composed_labels_read_as_words():
    catalog = FeatureCatalog.build(["PREV_LAST_365D_REFUSED_COUNT", "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM"])
    assert catalog.label("PREV_LAST_365D_REFUSED_COUNT") == (
        "Nombre de demandes de crédit précédentes refusées sur la dernière année"
    )
    assert catalog.label("BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM", "en") == (
        "Remaining debt (total, active credits reported to the bureau)"
    )
    assert catalog["BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM"].kind == "amount"


def test_exported_labels_win_over_composed_ones():
    catalog = FeatureCatalog.build(
        ["EXT_SOURCE_2", "NEW_THING"], exported={"EXT_SOURCE_2": {"fr": "Note externe B", "en": "Score B"}}
    )
    assert catalog.label("EXT_SOURCE_2") == "Note externe B"
    assert catalog.label("EXT_SOURCE_2", "en") == "Score B"
    assert catalog.label("NEW_THING") == "New thing"  # never the code itself


def test_values_are_written_for_people():
    catalog = FeatureCatalog.build(
        [
            "AMT_CREDIT",
            "APP_AGE_YEARS",
            "NAME_EDUCATION_TYPE",
            "FLAG_OWN_CAR",
            "DAYS_ID_PUBLISH",
            "EXT_SOURCE_2",
        ],
        CATEGORICAL_FEATURES,
    )
    assert catalog.value_text("AMT_CREDIT", 512000.0) == f"512{NNBSP}000{NBSP}€"
    assert catalog.value_text("APP_AGE_YEARS", 43.7, "en") == "44 years"
    secondary = CATEGORICAL_FEATURES["NAME_EDUCATION_TYPE"].index("Secondary / secondary special")
    assert catalog.value_text("NAME_EDUCATION_TYPE", float(secondary)) == "Secondaire"
    assert catalog.value_text("NAME_EDUCATION_TYPE", None) == "non renseigné"
    assert catalog.value_text("FLAG_OWN_CAR", 1.0) == "oui"
    assert catalog.value_text("DAYS_ID_PUBLISH", -3652.0) == f"10{NBSP}ans"
    assert catalog.value_text("EXT_SOURCE_2", 0.2134) == "0,21"


#: Levels that describe a person (family status, income, occupation, who came along).
PERSON_COLUMNS = ("NAME_FAMILY_STATUS", "NAME_INCOME_TYPE", "OCCUPATION_TYPE", "NAME_TYPE_SUITE")


def test_levels_describing_a_person_are_not_gendered():
    assert level_label("Married", "fr") == "Marié·e"  # a married woman is not "Marié"
    masculine_only = {"Marié", "Séparé", "Retraité", "Salarié", "Étudiant", "Employé", "Ouvrier", "Serveur"}
    for column in PERSON_COLUMNS:
        for level in CATEGORICAL_FEATURES[column]:
            french = level_label(level, "fr")
            assert not set(french.split()) & masculine_only, (column, level, french)


def test_value_kinds():
    assert format_value("share", 0.35) == f"35{NNBSP}%"
    assert format_value("relative_days", -800.0, "en") == "2 years ago"
    assert format_value("relative_days", 45.0) == f"dans 45{NBSP}jours"
    assert format_value("late_days", 1.0, "en") == "1 day"
    assert format_value("months", -14.0) == f"il y a 14{NBSP}mois"


def test_bands_place_a_value_among_the_reference_applicants():
    catalog = FeatureCatalog.build(["EXT_SOURCE_2"]).with_reference(
        {"EXT_SOURCE_2": np.linspace(0.01, 1.0, 100)}
    )
    assert [catalog.standing("EXT_SOURCE_2", v) for v in (0.05, 0.15, 0.5, 0.85, 0.95, None)] == [
        "lowest10",
        "lowest20",
        "typical",
        "highest20",
        "highest10",
        None,
    ]


def test_a_value_most_applicants_share_is_typical_not_low():
    """60 % of applicants have 0 late instalments: 0 is neither "among the lowest" nor "among the highest"."""
    assert standing_of(below=0.0, at_or_below=0.6) == "typical"
    assert standing_of(below=0.0, at_or_below=0.08) == "lowest10"
    assert standing_of(below=0.92, at_or_below=1.0) == "highest10"


def test_dates_are_read_as_time_elapsed():
    """DAYS_BIRTH is negative: the oldest applicants are the highest, as a person reads an age."""
    catalog = FeatureCatalog.build(["BUREAU_DAYS_CREDIT_MIN"]).with_reference(
        {"BUREAU_DAYS_CREDIT_MIN": -np.arange(1.0, 101.0)}
    )
    assert catalog.is_elapsed("BUREAU_DAYS_CREDIT_MIN")
    assert catalog.standing("BUREAU_DAYS_CREDIT_MIN", -99.0) == "highest10"
    assert catalog.standing("BUREAU_DAYS_CREDIT_MIN", -2.0) == "lowest10"


def test_categories_and_flags_have_no_band():
    catalog = FeatureCatalog.build(["FLAG_PHONE"]).with_reference({"FLAG_PHONE": np.array([0.0, 1.0, 1.0])})
    assert catalog.standing("FLAG_PHONE", 1.0) is None


def test_every_feature_of_the_trained_model_has_a_human_label(trained_artifacts):
    from app.artifacts import load_artifacts

    artifacts = load_artifacts(trained_artifacts)
    catalog = artifacts.catalog
    for name in artifacts.model.feature_names:
        for lang in ("fr", "en"):
            label = catalog.label(name, lang)
            assert not is_code(label), (name, lang, label)
            assert label != name.replace("_", " ").capitalize(), f"{name}: no rule knows it ({lang})"


def test_descriptions_follow_the_page_language():
    bilingual = {"EXT_SOURCE_2": {"fr": "Note externe B.", "en": "Score B."}}
    catalog = FeatureCatalog.build(["EXT_SOURCE_2"], descriptions=bilingual)
    assert catalog.description("EXT_SOURCE_2") == "Note externe B."
    assert catalog.description("EXT_SOURCE_2", "en") == "Score B."


def test_an_english_only_export_still_gets_french_descriptions():
    old = {"EXT_SOURCE_2": "Normalized score from external data source", "APP_PAYMENT_RATE": "Annuity/credit"}
    catalog = FeatureCatalog.build(["EXT_SOURCE_2", "APP_PAYMENT_RATE", "POS_LOAN_COUNT"], descriptions=old)
    assert catalog.description("EXT_SOURCE_2", "en") == "Normalized score from external data source"
    assert catalog.description("EXT_SOURCE_2").startswith("Score de crédit n°\u00a02 fourni par un organisme")
    assert catalog.description("APP_PAYMENT_RATE").startswith("Mensualité divisée par le montant du crédit")
    # not exported at all: composed in both languages
    assert catalog.description("POS_LOAN_COUNT").startswith("Nombre de prêts précédents au comptant")
    assert catalog.description("POS_LOAN_COUNT", "en").startswith("Number of previous cash or point-of-sale")


def test_every_feature_of_the_trained_model_has_a_description_in_each_language(trained_artifacts):
    from app.artifacts import load_artifacts

    artifacts = load_artifacts(trained_artifacts)
    for name in artifacts.model.feature_names:
        french, english = artifacts.catalog.description(name, "fr"), artifacts.catalog.description(name, "en")
        assert french and english and french != english, name
