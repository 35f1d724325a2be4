"""Comparison (/comparison/<id>): the client against all past clients, the most similar ones, or those who
repaid vs defaulted; one feature's distribution, two features at once, the default rate among similar past
clients, and a second client side by side: their explanations by concept in points of risk, or by feature
in log-odds for the data scientist. `?other=<id>` opens the second client directly."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app import formatting as fmt
from app.comparison import (
    ComparisonData,
    Standing,
    described,
    fields_known,
    for_clients,
    points_drawn,
    similar_default_rate,
    standings,
)
from app.explanation import Explanation
from app.i18n import language
from components import palette
from components.bivariate_scatter import bivariate_scatter
from components.client_picker import ids as picker_ids
from components.feature_distribution import feature_distribution
from components.layout import chart_with_summary
from components.shap_difference import largest_differences, shap_difference
from components.waterfall import Step, hover_lines
from model_training.decision import ACCEPT
from pages._shared import (
    DESCRIPTIVE_FIELDS,
    client_id_from,
    client_picker,
    concept_steps,
    field_axis_label,
    field_label,
    field_value_text,
    frame,
    hover_description,
    probability_text,
    services,
    t,
)

dash.register_page(
    __name__,
    path_template="/comparison/<client_id>",
    path="/comparison/none",
    name="Comparaison",
    title=lambda client_id=None, **_: f"Comparaison {client_id} – Prêt à dépenser",
)

# --- ids: every one carries the page's prefix (app/auth/access.py) ------------------------------------------
PICKER = "comparison-picker"  # the client compared
OTHER = "comparison-other"  # the second client, side by side
LANG = "comparison-lang"
CLIENT = "comparison-client"
GROUP, FEATURE, X, Y = "comparison-group", "comparison-feature", "comparison-x", "comparison-y"
DISTRIBUTION, DISTRIBUTION_SUMMARY = "comparison-distribution", "comparison-distribution-summary"
SCATTER, SCATTER_SUMMARY = "comparison-scatter", "comparison-scatter-summary"
DIFFERENCE, DIFFERENCE_SUMMARY = "comparison-difference", "comparison-difference-summary"
DIFFERENCE_CHART, DIFFERENCE_HINT = "comparison-difference-chart", "comparison-difference-hint"
DIFFERENCE_VIEW = "comparison-difference-view"
#: by concept in points of risk (the advisor's), or by feature in log-odds (the data scientist's)
VIEWS = ("concepts", "features")

GROUPS = ("all", "similar", "outcome")
#: Points drawn in the two-feature chart: enough to show the cloud's shape; each one more costs the browser
#: drawing time (5,000 took a second of the page's load).
SCATTER_POINTS = 2000
DEFAULT_FEATURE, DEFAULT_X, DEFAULT_Y = "income", "income", "credit"
#: Looks that stay with a group whichever groups are shown (all: grey dots, repaid: blue, defaulted: dashed
#: vermillion, similar: green dash-dot).
STYLE_ALL, STYLE_REPAID, STYLE_DEFAULTED, STYLE_SIMILAR = palette.GROUP_STYLES[:4]


def layout(
    client_id: str | None = None, lang: str | None = None, other: str | None = None, **_query: object
) -> html.Div:
    lang = language(lang)
    cid = client_id_from(client_id)
    row = services().clients.get_client(cid) if cid is not None else None
    picker = client_picker(PICKER, lang, value=cid, opens="/comparison")
    body: list = [
        dbc.Row(dbc.Col(picker, md=6)),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=CLIENT, data=cid if row else None),
    ]
    if row is None:
        message = t("picker.none", lang) if cid is None else t("client.unknown", lang, client_id=cid)
        body.append(dbc.Alert(message, color="info" if cid is None else "warning", id="comparison-missing"))
    else:
        body.append(dbc.Alert(_similar_rate(cid, lang), color="light", id="comparison-similar-rate"))  # type: ignore[arg-type]
    body += [
        _groups_section(cid if row else None, lang),
        _difference_section(cid if row else None, other, lang),
    ]
    return frame(
        body,
        lang=lang,
        active="comparison",
        path=f"/comparison/{client_id}" if client_id else "/comparison/none",
        title=t("comparison.title", lang, client_id=cid) if row else t("nav.comparison", lang),
        client_id=cid if row else None,
    )


# --- data ---------------------------------------------------------------------------------------------------


def _numeric_fields() -> list[str]:
    numeric = [name for name, (_, kind) in DESCRIPTIVE_FIELDS.items() if kind != "category"]
    return fields_known(numeric, services().clients)


def _all_fields() -> list[str]:
    return fields_known(list(DESCRIPTIVE_FIELDS), services().clients)


def _data() -> ComparisonData:
    categorical = [name for name, (_, kind) in DESCRIPTIVE_FIELDS.items() if kind == "category"]
    return for_clients(services().clients, categorical)


def _similar_rate(client_id: int, lang: str) -> str:
    similar = similar_default_rate(services().clients, client_id)
    if similar is None:
        return ""
    return t(
        "comparison.similar_rate",
        lang,
        count=similar.count,
        rate=fmt.percent(similar.rate, lang),
        overall=fmt.percent(similar.overall, lang),
    )


#: Each group's name in the legend and the look that stays with it whichever groups are shown.
GROUP_LOOKS = {
    "all": ("comparison.all", STYLE_ALL),
    "similar": ("comparison.similar", STYLE_SIMILAR),
    "repaid": ("comparison.repaid", STYLE_REPAID),
    "defaulted": ("comparison.defaulted", STYLE_DEFAULTED),
}


# --- figures ------------------------------------------------------------------------------------------------


def distribution(client_id: int, group: str, field: str, lang: str):
    """One feature in the chosen groups, the client marked, and the sentence that sums it up."""
    client = services().clients.get_client(client_id) or {}
    value = client.get(field)
    shown_value = field_value_text(field, value, lang)
    groups = _data().groups(group, client_id, field)
    category = _data().is_categorical(field)
    data: dict[str, object] = {}
    for shown in groups:
        values = shown.values
        if isinstance(values, dict):  # categories: counted by their human name
            values = {field_value_text(field, level, lang): n for level, n in values.items()}
        data[t(GROUP_LOOKS[shown.key][0], lang)] = values
    figure = feature_distribution(
        data,  # type: ignore[arg-type]
        shown_value if category else value,
        feature_label=field_axis_label(field, lang),
        share_title=t("chart.share_axis", lang),
        client_label=t("chart.client_value", lang, value=shown_value),
        styles=[GROUP_LOOKS[shown.key][1] for shown in groups],
        lang=lang,
    )
    return figure, distribution_caption(field, value, standings(described(groups, group), value), lang)


def distribution_caption(field: str, value: object, places_of: list[Standing], lang: str) -> str:
    """ "Pour ce client, revenu annuel : 135 000 € ; plus élevé que 35 % des 50 clients passés les plus
    proches.": where the client stands in the group(s) chosen, named as chosen."""
    feature, shown_value = _lower_first(field_label(field, lang)), field_value_text(field, value, lang)
    places = [
        t(
            f"{'comparison.same' if place.category else 'comparison.higher'}.{place.group}",
            lang,
            share=fmt.percent(place.share, lang),
            count=fmt.number(place.size, lang),
        )
        for place in places_of
    ]
    if not places:
        return t("comparison.caption_alone", lang, feature=feature, value=shown_value)
    joined = t("comparison.and", lang).join(places)
    return t("comparison.caption", lang, feature=feature, value=shown_value, places=joined)


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Revenu annuel" → "revenu annuel"."""
    return text[:1].lower() + text[1:]


def scatter(client_id: int, group: str, x_field: str, y_field: str, lang: str):
    """Two features over the group's clients (sampled), coloured by their out-of-fold risk."""
    client = services().clients.get_client(client_id) or {}
    values = _data().scatter_points(group, client_id, x_field, y_field)
    figure = bivariate_scatter(
        *values,
        client_x=_number(client.get(x_field)),
        client_y=_number(client.get(y_field)),
        x_label=field_axis_label(x_field, lang),
        y_label=field_axis_label(y_field, lang),
        score_label=t("clients.risk", lang),
        client_label=t("chart.client", lang),
        others_label=t("chart.others", lang),
        max_points=SCATTER_POINTS,
        lang=lang,
    )
    shown = points_drawn(values, SCATTER_POINTS)
    return figure, t("comparison.scatter_summary", lang, count=fmt.number(shown, lang))


def _number(value: object) -> float | None:
    return None if fmt.is_missing(value) or isinstance(value, str) else float(value)  # type: ignore[arg-type]


def feature_steps(explanation: Explanation, lang: str) -> list[Step]:
    """Every feature's exact contribution (calibrated log-odds), with its value and description on hover."""
    catalog = explanation.catalog
    return [
        Step(
            f.feature,
            f.label,
            f.contribution,
            hover_lines(f.value_text, hover_description(catalog.description(f.feature, lang))),
        )
        for f in explanation.factors(lang)
    ]


def difference(client_id: int, other_id: int, lang: str, view: str = "concepts"):
    """The two clients' explanations side by side, and what separates them most: by concept, each client's
    steps in points of risk (as their own waterfalls show them), or by feature in log-odds.

    Each client's bars take the colour of their decision, as on every other page (accepted: the palette's
    "safe" blue, refused: its "risky" vermillion); the legend writes the decision too, and the second
    client's bars stay hatched, so two clients with the same decision remain apart without colour.
    """
    scoring = services().scoring
    first, second = scoring.explain_client(client_id), scoring.explain_client(other_id)
    by_concept = view != "features"
    if by_concept:
        a, b = concept_steps(first, lang), concept_steps(second, lang)
    else:
        a, b = feature_steps(first, lang), feature_steps(second, lang)
    first_label, second_label = _client_label(client_id, first, lang), _client_label(other_id, second, lang)
    figure = shap_difference(
        a,
        b,
        first_label=first_label,
        second_label=second_label,
        difference_label=t("comparison.difference", lang, first=client_id, second=other_id),
        axis_title=t("comparison.points_axis" if by_concept else "chart.contribution_axis", lang),
        scale="points" if by_concept else "log_odds",
        lang=lang,
    )
    for label, explanation in ((first_label, first), (second_label, second)):
        figure.update_traces(marker_color=decision_colour(explanation), selector={"name": label})
    # the legend above the bars, left-aligned, in the margin Plotly makes for it: never over a bar or a label
    figure.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"}
    )
    top = [label for label, *_ in largest_differences(a, b, 3)]
    summary = t(
        "comparison.difference_summary",
        lang,
        first=client_id,
        second=other_id,
        first_probability=probability_text(first.score.probability, lang),
        second_probability=probability_text(second.score.probability, lang),
        features=t("explanation.list_separator", lang).join(top),
    )
    return figure, summary


def decision_colour(explanation: Explanation) -> str:
    """The palette's colour of a decision: the same meaning as on every other page."""
    return palette.SAFE if explanation.score.decision == ACCEPT else palette.RISKY


def _client_label(client_id: int, explanation: Explanation, lang: str) -> str:
    """ "Client 100008 (✓ Crédit accordé)": the decision in words and a sign, not in colour alone."""
    mark = palette.ACCEPTED_MARK if explanation.score.decision == ACCEPT else palette.REFUSED_MARK
    return t(
        "comparison.client_decision",
        lang,
        client=t("client.title", lang, client_id=client_id),
        decision=f"{mark} {explanation.score.decision_label(lang)}",
    )


# --- layout sections ----------------------------------------------------------------------------------------


def _select(select_id: str, label: str, fields: list[str], value: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=select_id, className="form-label"),
            dbc.Select(
                id=select_id,
                options=[{"label": field_label(f, lang), "value": f} for f in fields],
                value=value if value in fields else (fields[0] if fields else None),
            ),
        ],
        className="mb-3",
    )


def _groups_section(client_id: int | None, lang: str) -> html.Section:
    fields, numeric = _all_fields(), _numeric_fields()
    group_choice = html.Fieldset(
        [
            html.Legend(t("comparison.group", lang), className="form-label fs-6"),
            dbc.RadioItems(
                id=GROUP,
                options=[{"label": t(f"comparison.group_{g}", lang), "value": g} for g in GROUPS],
                value="all",
                inline=True,
            ),
        ],
        className="mb-3",
    )
    if client_id is not None:
        dist_figure, dist_summary = distribution(client_id, "all", DEFAULT_FEATURE, lang)
        scatter_figure, scatter_summary = scatter(client_id, "all", DEFAULT_X, DEFAULT_Y, lang)
    else:
        dist_figure = scatter_figure = None
        dist_summary = scatter_summary = ""
    return html.Section(
        [
            group_choice,
            dbc.Row(
                dbc.Col(
                    _select(FEATURE, t("comparison.feature", lang), fields, DEFAULT_FEATURE, lang),
                    md=6,
                )
            ),
            chart_with_summary(
                dist_figure,
                dist_summary,
                graph_id=DISTRIBUTION,
                summary_id=DISTRIBUTION_SUMMARY,
                heading=t("comparison.distribution_title", lang),
            ),
            dbc.Row(
                [
                    dbc.Col(_select(X, t("comparison.x", lang), numeric, DEFAULT_X, lang), md=6),
                    dbc.Col(_select(Y, t("comparison.y", lang), numeric, DEFAULT_Y, lang), md=6),
                ]
            ),
            chart_with_summary(
                scatter_figure,
                scatter_summary,
                graph_id=SCATTER,
                summary_id=SCATTER_SUMMARY,
                heading=t("comparison.scatter_title", lang),
            ),
        ],
        hidden=client_id is None,
    )


def _difference_section(client_id: int | None, other: str | None, lang: str) -> html.Section:
    """Until a second client is chosen, a sentence saying what to do stands where the chart will be."""
    other_id = client_id_from(other)
    known_other = other_id is not None and services().clients.get_client(other_id) is not None
    if client_id is not None and known_other:
        figure, summary = difference(client_id, other_id, lang)  # type: ignore[arg-type]
    else:
        figure, summary = None, ""
    chosen = figure is not None
    return html.Section(
        [
            html.H2(t("comparison.difference_title", lang), className="h4 mt-4"),
            dbc.Row(
                dbc.Col(
                    client_picker(
                        OTHER,
                        lang,
                        value=other_id if known_other else None,
                        label_key="comparison.other_client",
                    ),
                    md=6,
                )
            ),
            html.Fieldset(
                [
                    html.Legend(t("comparison.view", lang), className="form-label fs-6"),
                    dbc.RadioItems(
                        id=DIFFERENCE_VIEW,
                        options=[{"label": t(f"comparison.view_{v}", lang), "value": v} for v in VIEWS],
                        value=VIEWS[0],
                        inline=True,
                    ),
                ],
                className="mb-2",
            ),
            html.P(
                t("comparison.choose_other", lang),
                className="alert alert-light",
                id=DIFFERENCE_HINT,
                hidden=chosen,
            ),
            html.Div(
                chart_with_summary(figure, summary, graph_id=DIFFERENCE, summary_id=DIFFERENCE_SUMMARY),
                id=DIFFERENCE_CHART,
                hidden=not chosen,
            ),
        ],
        hidden=client_id is None,
    )


# --- callbacks ----------------------------------------------------------------------------------------------


@callback(
    Output(DISTRIBUTION, "figure"),
    Output(DISTRIBUTION_SUMMARY, "children"),
    Input(GROUP, "value"),
    Input(FEATURE, "value"),
    State(CLIENT, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_distribution(group: str, field: str, client_id: int | None, lang: str):
    if client_id is None or field not in DESCRIPTIVE_FIELDS:
        return dash.no_update, dash.no_update
    return distribution(client_id, group or "all", field, lang)


@callback(
    Output(SCATTER, "figure"),
    Output(SCATTER_SUMMARY, "children"),
    Input(GROUP, "value"),
    Input(X, "value"),
    Input(Y, "value"),
    State(CLIENT, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_scatter(group: str, x_field: str, y_field: str, client_id: int | None, lang: str):
    if client_id is None or x_field not in DESCRIPTIVE_FIELDS or y_field not in DESCRIPTIVE_FIELDS:
        return dash.no_update, dash.no_update
    return scatter(client_id, group or "all", x_field, y_field, lang)


@callback(
    Output(DIFFERENCE, "figure"),
    Output(DIFFERENCE_SUMMARY, "children"),
    Output(DIFFERENCE_CHART, "hidden"),
    Output(DIFFERENCE_HINT, "hidden"),
    Input(picker_ids.chosen(OTHER), "data"),
    Input(DIFFERENCE_VIEW, "value"),
    State(CLIENT, "data"),
    State(LANG, "data"),
    prevent_initial_call=True,
)
def show_difference(other_id: int | None, view: str | None, client_id: int | None, lang: str):
    """The second picker checks the typed id (and says what is wrong); a known client arrives here, and the
    chart follows the view chosen (by concept unless the data scientist's view is asked for)."""
    known = services().scoring.knows
    if not (
        isinstance(client_id, int) and isinstance(other_id, int) and known(client_id) and known(other_id)
    ):
        return (dash.no_update,) * 4  # the picker said what is wrong; a forged store changes nothing
    figure, summary = difference(client_id, other_id, lang, "features" if view == "features" else "concepts")
    return figure, summary, False, True
