"""The fairness table: one row per group, the largest gaps with verdicts as a symbol and a word."""

from dash import html

from components.fairness_table import fairness_table, gap_text, metric_text
from model_training.contract.governance_record import AttributeAudit, Gap, GroupMetrics

HEADERS = {
    "group": "Groupe",
    "n": "Demandes",
    "default_rate": "Défaut",
    "approval_rate": "Acceptation",
    "fnr": "FNR",
    "fpr": "FPR",
    "auc": "AUC",
}
WORDS = {
    "flagged": "À examiner",
    "within": "Dans la tolérance",
    "too_small": "Trop peu",
    "context": "Contexte",
}
JUDGED = dict.fromkeys(HEADERS.keys() - {"group", "n"}, True)


def group(name, n, approval, fnr, fpr, auc, judged=True):
    return GroupMetrics(
        attribute="CODE_GENDER",
        group=name,
        n=n,
        defaulters=n // 2,
        default_rate=0.5,
        approval_rate=approval,
        fnr=fnr,
        fpr=fpr,
        auc=auc,
        judged=dict.fromkeys(JUDGED, judged),
    )


def gap(metric, status, size, ratio):
    return Gap(attribute="CODE_GENDER", metric=metric, status=status, gap=size, ratio=ratio)


AUDIT = AttributeAudit(
    source="CODE_GENDER",
    groups=(
        group("F", 200, 0.55, 0.2, 0.1, 0.85),
        group("M", 200, 0.6, 0.5, 0.3, 0.6),
        group("XNA", 4, 0.0, 0.0, 1.0, None, judged=False),
    ),
    gaps=(
        gap("default_rate", "context", 0.0, 1.0),
        gap("approval_rate", "within", 0.05, 0.55 / 0.6),
        gap("fnr", "flagged", 0.3, 0.4),
        gap("fpr", "flagged", 0.2, 1 / 3),
        gap("auc", "too_small", None, None),
    ),
)


def table(lang="fr"):
    return fairness_table(
        AUDIT,
        table_id="fair",
        caption="Par sexe",
        headers=HEADERS,
        group_name={"F": "Femme", "M": "Homme", "XNA": "Non renseigné"}.get,
        status_words=WORDS,
        gap_label="Plus grand écart",
        points_label="{value} pts",
        ratio_label="rapport {value}",
        not_judged="moins de 100 clients",
        lang=lang,
    )


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def text(component) -> str:
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    parts = children if isinstance(children, list | tuple) else [children]
    return "".join(text(c) for c in parts if c is not None)


def test_a_real_table_with_caption_and_headers():
    built = table()
    assert isinstance(built, html.Table) and built.id == "fair"
    assert text(next(c for c in walk(built) if isinstance(c, html.Caption))) == "Par sexe"
    column_heads = [c for c in walk(built) if isinstance(c, html.Th) and c.scope == "col"]
    assert [text(c) for c in column_heads] == list(HEADERS.values())
    row_heads = [text(c) for c in walk(built) if isinstance(c, html.Th) and c.scope == "row"]
    assert row_heads == ["Femme", "Homme", "Non renseigné", "Plus grand écart"]


def test_group_figures_are_formatted_and_small_groups_marked():
    rows = [c for c in walk(table()) if isinstance(c, html.Tr)][1:4]
    female = [text(c) for c in rows[0].children[1:]]
    assert female == ["200", "50,0\u202f%", "55,0\u202f%", "20,0\u202f%", "10,0\u202f%", "0,850"]
    small = [c for c in rows[2].children[2:]]
    assert all("fairness-not-judged" in c.className for c in small if text(c) != "–")
    assert "○" in text(small[0]) and "moins de 100 clients" in text(small[0])
    assert text(rows[2].children[-1]) == "–"  # undefined AUC: a dash, nothing to judge


def test_verdicts_are_a_symbol_and_a_word():
    cells = [c for c in walk(table()) if isinstance(c, html.Td) and getattr(c, "data-status", None)]
    verdicts = [(getattr(c, "data-status"), text(c)) for c in cells]
    assert verdicts == [
        ("context", "0,0 pts— Contexte"),
        ("within", "5,0 pts · rapport 0,92✓ Dans la tolérance"),
        ("flagged", "30,0 pts⚠ À examiner"),
        ("flagged", "20,0 pts⚠ À examiner"),
        ("too_small", "○ Trop peu"),
    ]


def test_texts_follow_the_language():
    assert metric_text("approval_rate", 0.551, "en") == "55.1%"
    assert metric_text("auc", 0.8512, "en") == "0.851"
    assert metric_text("fnr", None, "fr") == "–"
    approval = gap("approval_rate", "within", 0.25, 0.7)
    assert gap_text(approval, "en", "{value} pts", "ratio {value}") == "25.0 pts · ratio 0.70"
    assert gap_text(gap("auc", "within", 0.0512, None), "fr", "", "") == "0,051"
