"""Number texts drawn inside figures; amounts and percentages come from the app's formatting module."""

from __future__ import annotations

from app.formatting import NNBSP, number, percent

MINUS = "\u2212"

__all__ = ["number", "percent", "percent_suffix", "separators", "signed"]


def signed(value: float, lang: str = "fr", decimals: int = 2) -> str:
    """A contribution with its sign always written (+0,12 or −0,08): the sign is the message."""
    body = number(abs(value), lang, decimals)
    if round(value, decimals) == 0:
        return body
    return ("+" if value > 0 else MINUS) + body


def separators(lang: str) -> str:
    """Plotly's layout.separators: decimal mark then thousands mark (French: a narrow no-break space, as
    app.formatting writes numbers in the text)."""
    return f",{NNBSP}" if lang == "fr" else ".,"


def percent_suffix(lang: str) -> str:
    """Axis tick suffix for percentages: French puts a narrow no-break space before %."""
    return f"{NNBSP}%" if lang == "fr" else "%"
