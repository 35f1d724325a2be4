"""What would change the decision (app.recourse), in plain words: a short list of the acceptable offers, each
one sentence ("Emprunter 180 000 € au lieu de 250 000 €, sur 36 mois : mensualité 6 120 € (risque 9,8 %)"),
or the plain sentence that nothing within the product's limits would be accepted; nothing when the
application is accepted. Words carry the meaning, never colour alone; the list is a real list for screen
readers. In meeting mode the risk figure is left out (no model vocabulary in front of the client).
"""

from __future__ import annotations

from dash import html

from app import formatting as fmt
from app.i18n import t
from app.recourse import Offer, Recourse
from components.attributes import attributes


def _months(months: int | None, lang: str) -> str:
    return t("unit.months", lang, n=fmt.number(months, lang))


def offer_sentence(offer: Offer, recourse: Recourse, lang: str, with_risk: bool = True) -> str:
    """One offer in plain words: what to borrow over how long, the monthly payment, and (outside meeting
    mode) the risk the model gives it."""
    amounts = {"amount": fmt.amount(offer.amount, lang), "asked": fmt.amount(recourse.amount, lang)}
    terms = {"term": _months(offer.term_months, lang), "asked_term": _months(recourse.term_months, lang)}
    if offer.kind == "lower_amount" and offer.term_months is None:
        what = t("recourse.lower_amount_no_term", lang, **amounts)
    else:
        what = t(f"recourse.{offer.kind}", lang, **amounts, **terms)
    details = t("recourse.payment", lang, payment=fmt.amount(offer.monthly_payment, lang))
    if with_risk:
        # written as beside the threshold (risk_texts): an offer just under it never reads as equal to it, and
        # when that takes more than the page's one decimal, the threshold is given at the same precision
        texts = fmt.risk_texts(offer.probability, recourse.threshold, lang)
        if texts.decimals > fmt.RISK_DECIMALS:
            risk = t("recourse.risk_and_threshold", lang, risk=texts.risk, threshold=texts.threshold)
        else:
            risk = t("recourse.risk", lang, risk=texts.risk)
        details += f" ({risk})"
    return t("recourse.offer", lang, what=what, details=details)


def nothing_sentence(recourse: Recourse, lang: str) -> str:
    """The plain answer when nothing within the limits would be accepted."""
    limits = recourse.limits
    return t(
        "recourse.none",
        lang,
        smallest=fmt.amount(limits.smallest_amount, lang),
        longest=_months(limits.longest_term, lang),
    )


def recourse_offers(recourse: Recourse | None, lang: str, section_id: str, meeting: bool = False) -> list:
    """The widget, as a list of children for the page (empty when there is nothing to say: an accepted
    application, or a client with no stored application)."""
    if recourse is None or recourse.status == "accepted":
        return []
    heading_id = f"{section_id}-title"
    if recourse.offers:
        body = [
            html.P(t("recourse.intro", lang), className="mb-1"),
            html.Ul(
                [html.Li(offer_sentence(o, recourse, lang, with_risk=not meeting)) for o in recourse.offers],
                id=f"{section_id}-list",
                className="mb-0",
            ),
        ]
    else:
        body = [html.P(nothing_sentence(recourse, lang), id=f"{section_id}-none", className="mb-0")]
    return [
        html.Section(
            # in meeting mode, the size of the reasons' headings beside it
            [html.H2(t("recourse.title", lang), className="h4" if meeting else "h5", id=heading_id), *body],
            id=section_id,
            className="recourse-offers mt-3",
            **attributes(aria_labelledby=heading_id),
        )
    ]
