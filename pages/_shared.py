"""What every page shares: the language, the services, the page frame, the client picker in the page's words.

Dash skips files starting with "_" when it looks for pages, so this module registers no page.
"""

from __future__ import annotations

import textwrap

import dash
from dash import html

from app import formatting as fmt
from app.explanation import Explanation, Score
from app.i18n import t
from app.labels import Kind, format_value
from app.reasons import Reason
from app.services import Services, get_services
from app.vocabulary import application_column_label, level_label
from components import palette
from components._format import signed
from components.client_picker import ClientPicker
from components.client_picker import client_id_from as client_id_from  # pages read ids from URLs
from components.gauge import gauge
from components.layout import busy_area, chart_with_summary
from components.navigation import NavItem, navigation_bar, page_frame
from components.waterfall import Scale, Step, hover_lines, points_label, waterfall
from model_training.decision import ACCEPT
from pages._account import account, visible_items


def services() -> Services:
    return get_services()


# --- the frame ---------------------------------------------------------------------------------------------


def _drift_path() -> str | None:
    """The drift page's path once it exists; until then its slot stays, disabled."""
    page = next((p for m, p in dash.page_registry.items() if m.rsplit(".", 1)[-1] == "drift"), None)
    return page["path"] if page else None


def nav_items(lang: str, client_id: int | None) -> list[NavItem]:
    items = [
        NavItem("home", t("nav.home", lang), "/"),
        NavItem("clients", t("nav.clients", lang), "/clients"),
        NavItem("new_application", t("nav.new_application", lang), "/new-application"),
    ]
    if client_id is not None:
        items += [
            NavItem("client", t("nav.client", lang), f"/client/{client_id}"),
            NavItem("explanation", t("nav.explanation", lang), f"/explanation/{client_id}"),
            NavItem("comparison", t("nav.comparison", lang), f"/comparison/{client_id}"),
            NavItem("what_if", t("nav.what_if", lang), f"/what-if/{client_id}"),
        ]
    items.append(NavItem("drift", t("nav.drift", lang), _drift_path(), t("nav.drift_soon", lang)))
    items.append(NavItem("model", t("nav.model", lang), "/model"))
    items.append(NavItem("audit", t("nav.audit", lang), "/audit"))
    return items


def frame(
    children: object, *, lang: str, active: str, path: str, title: str, client_id: int | None = None
) -> html.Div:
    """The page inside the navigation frame, with its title as the <h1>."""
    header = navigation_bar(
        visible_items(nav_items(lang, client_id)),
        active=active,
        lang=lang,
        current_path=path,
        brand=t("nav.brand", lang),
        nav_label=t("nav.label", lang),
        language_label=t("nav.language", lang),
        languages=(("fr", t("nav.french", lang)), ("en", t("nav.english", lang))),
        account=account(lang, client_id),
    )
    # every callback of the page updates something inside the busy area: one busy state for all of them
    body = [
        html.H1(title, className="h2 mb-3", id="page-title"),
        busy_area(_as_list(children), t("busy.working", lang)),
    ]
    return page_frame(
        body,
        header=header,
        lang=lang,
        title=f"{title} – {t('nav.brand', lang)}",
        skip_label=t("nav.skip", lang),
    )


def _as_list(children: object) -> list:
    return list(children) if isinstance(children, list | tuple) else [children]


# --- words for scores and clients ---------------------------------------------------------------------------


def threshold_text(threshold: float, lang: str) -> str:
    """A threshold alone, with the precision every risk has (app.formatting.risk)."""
    return fmt.risk(threshold, lang)


def probability_text(probability: float, lang: str) -> str:
    """A risk alone, one decimal, so that a what-if change of a few tenths shows."""
    return fmt.risk(probability, lang)


def decision_badge(score: Score, lang: str, badge_id: str | None = None) -> html.Div:
    """The decision as a word, a symbol and a border style: never colour alone."""
    accepted = score.decision == ACCEPT
    mark = palette.ACCEPTED_MARK if accepted else palette.REFUSED_MARK
    return html.Div(
        f"{mark} {score.decision_label(lang)}",
        className=f"decision {'decision-accepted' if accepted else 'decision-refused'}",
        id=badge_id or "decision",
        role="status",
    )


def score_gauge(score: Score, lang: str, graph_id: str, summary_id: str, title: str) -> html.Figure:
    """The risk on a gauge with the threshold marked, and its one-sentence summary (client page, meeting)."""
    texts = fmt.risk_texts(score.probability, score.threshold, lang)
    threshold = texts.threshold
    figure = gauge(
        score.probability,
        score.threshold,
        title=title,
        threshold_label=t("client.threshold_mark", lang, threshold=threshold),
        lang=lang,
    )
    summary = t(
        "client.gauge_summary",
        lang,
        probability=texts.risk,
        threshold=threshold,
        decision=score.decision_label(lang).lower(),
    )
    return chart_with_summary(figure, summary, graph_id=graph_id, summary_id=summary_id)


def risk_sentences(score: Score, lang: str) -> str:
    """ "Le risque estimé est de 11,9 %, le seuil ... est de 11,6 %. Il dépasse le seuil de 0,3 point." The
    figures and the gap come from one formatting (app.formatting.risk_texts), so they never contradict the
    decision."""
    texts = fmt.risk_texts(score.probability, score.threshold, lang)
    first = t("client.risk_sentence", lang, probability=texts.risk, threshold=texts.threshold)
    if texts.gap_points == 0:
        return f"{first} {t('client.distance_at', lang)}"
    key = "client.distance_above" if texts.gap_points > 0 else "client.distance_below"
    return f"{first} {t(key, lang, points=texts.gap)}"


#: The descriptive fields of the client tables (model_training.export): the Kaggle column each comes from
#: (for its human name) and how its value is written.
DESCRIPTIVE_FIELDS: dict[str, tuple[str, Kind]] = {
    "age_years": ("DAYS_BIRTH", "years"),
    "family_status": ("NAME_FAMILY_STATUS", "category"),
    "children": ("CNT_CHILDREN", "count"),
    "education": ("NAME_EDUCATION_TYPE", "category"),
    "housing": ("NAME_HOUSING_TYPE", "category"),
    "income_type": ("NAME_INCOME_TYPE", "category"),
    "occupation": ("OCCUPATION_TYPE", "category"),
    "employment_years": ("DAYS_EMPLOYED", "years"),
    "income": ("AMT_INCOME_TOTAL", "amount"),
    "contract_type": ("NAME_CONTRACT_TYPE", "category"),
    "credit": ("AMT_CREDIT", "amount"),
    "annuity": ("AMT_ANNUITY", "amount"),
    "goods_price": ("AMT_GOODS_PRICE", "amount"),
}


def field_label(name: str, lang: str) -> str:
    """The human name of a descriptive field or an application column (never its code)."""
    column = DESCRIPTIVE_FIELDS[name][0] if name in DESCRIPTIVE_FIELDS else name
    return application_column_label(column, lang) or column.replace("_", " ").capitalize()


def field_axis_label(name: str, lang: str) -> str:
    """An axis title with its unit: "Revenu annuel (€)", "Âge (ans)"."""
    kind = DESCRIPTIVE_FIELDS[name][1] if name in DESCRIPTIVE_FIELDS else "number"
    unit = {"amount": t("unit.euros", lang), "years": t("unit.years_short", lang)}.get(kind)
    return f"{field_label(name, lang)} ({unit})" if unit else field_label(name, lang)


def field_value_text(name: str, value: object, lang: str) -> str:
    """A descriptive field as a person reads it: "43 ans", "12 345 €", "Secondaire"."""
    if fmt.is_missing(value):
        return t("value.missing", lang)
    kind = DESCRIPTIVE_FIELDS[name][1] if name in DESCRIPTIVE_FIELDS else "number"
    if kind == "category" or isinstance(value, str):
        return level_label(str(value), lang)
    if kind == "years":
        return fmt.years_text(float(value), lang)  # type: ignore[arg-type]
    return format_value(kind, float(value), lang)  # type: ignore[arg-type]


def concept_steps(explanation: Explanation, lang: str, scale: Scale = "points") -> list[Step]:
    """The explanation's concepts as waterfall bars, largest first: each concept's step in probability
    (points) or its exact sum of contributions (log-odds), with its three most influential features and the
    client's values in the hover box (the advisor's screen: values as the catalogue writes them)."""
    catalog = explanation.catalog
    steps = []
    for part in explanation.concepts(lang):
        names = [catalog.names[i] for i in part.features[:3]]
        features = [
            fmt.label_value(catalog.label(n, lang), catalog.value_text(n, explanation.value(n), lang), lang)
            for n in names
        ]
        hover = hover_lines(t("chart.concept_features", lang), *[hover_description(f) for f in features])
        value = part.points if scale == "points" else part.contribution
        steps.append(Step(part.concept, part.label, value, hover))
    return steps


def hover_description(text: str, width: int = 60) -> str:
    """A feature's description on several lines (<br>) for a hover box, which never wraps by itself.

    textwrap breaks at ASCII spaces only, so French no-break spaces keep "Source :" and "100 %" together.
    """
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def waterfall_summary(explanation: Explanation, steps: list[Step], scale: Scale, lang: str) -> str:
    """The waterfall in one sentence: from the average risk to the client's, and the concepts that move it
    most with their points (or, in log-odds, their contributions)."""

    def said(step: Step) -> str:
        figure = points_label(step.value, lang) if scale == "points" else signed(step.value, lang)
        return f"{step.label} ({figure})"

    raising = [said(s) for s in sorted(steps, key=lambda s: -s.value) if s.value > 0][:2]
    lowering = [said(s) for s in sorted(steps, key=lambda s: s.value) if s.value < 0][:2]
    separator = t("explanation.list_separator", lang)
    summary = t(
        "explanation.waterfall_summary" if scale == "points" else "explanation.waterfall_summary_log_odds",
        lang,
        base=probability_text(explanation.base_probability, lang),
        final=probability_text(explanation.score.probability, lang),
        base_log_odds=signed(explanation.base_value, lang),
        final_log_odds=signed(explanation.log_odds, lang),
        raises=t("explanation.raises", lang, features=separator.join(raising)) if raising else "",
        lowers=t("explanation.lowers", lang, features=separator.join(lowering)) if lowering else "",
    )
    return summary.strip()


def reason_text(reason: Reason) -> list:
    """A reason's sentence with its concept in bold, so the eye finds the concepts first."""
    if reason.sentence.startswith(reason.label):
        return [html.Strong(reason.label), reason.sentence[len(reason.label) :]]
    return [reason.sentence]


# --- the client picker --------------------------------------------------------------------------------------


def client_picker(
    aio_id: str,
    lang: str,
    *,
    value: int | None = None,
    opens: str | None = None,
    label_key: str = "picker.label",
) -> ClientPicker:
    """A client picker in the page's words; `opens` is the path its client opens under (`/client`)."""
    return ClientPicker(
        aio_id,
        lang=lang,
        label=t(label_key, lang),
        button_label=t("picker.open", lang),
        placeholder=t("picker.placeholder", lang),
        value=value,
        opens=opens,
    )


def client_waterfall(explanation: Explanation, n: int, lang: str, scale: Scale = "points"):
    """The client's waterfall by concept (the `n` largest, the rest grouped), in points of risk by default
    or in log-odds, and its one-sentence summary."""
    steps = concept_steps(explanation, lang, scale)
    points = scale == "points"
    figure = waterfall(
        steps,
        explanation.base_probability if points else explanation.base_value,
        scale=scale,
        n=n,
        base_label=t("chart.base", lang),
        final_label=t("chart.final", lang),
        other_label=t("chart.other_concepts", lang),
        axis_title=t("chart.risk_percent_axis" if points else "chart.log_odds_axis", lang),
        lang=lang,
    )
    return figure, waterfall_summary(explanation, steps, scale, lang)
