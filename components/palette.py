"""Colour-blind-safe colours (Okabe–Ito) and the non-colour cue that goes with each meaning.

Every meaning carries a second cue (pattern, line dash, marker symbol or written sign) so that colour never
carries it alone (WCAG 2.1 AA, 1.4.1); graphical colours reach 3:1 against white (1.4.11) and text colours
4.5:1 (1.4.3).
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#595959"
LIGHT_GREY = "#D9D9D9"

#: Lowers the risk / repaid / accepted.
SAFE = BLUE
#: Raises the risk / defaulted / refused.
RISKY = VERMILLION
#: Text drawn in the "risky" hue: vermillion itself is below 4.5:1 on white.
RISKY_TEXT = "#A64500"
NEUTRAL = GREY
CLIENT = BLACK
THRESHOLD = BLACK

#: Pale zone fills behind the gauge needle (decoration only: the decision is also written).
SAFE_ZONE = "#CCE3F0"
RISKY_ZONE = "#F7DCC7"

#: Sequential, perceptually uniform and readable by all common colour-vision deficiencies.
SCORE_COLORSCALE = "Cividis"

UP_ARROW = "▲"
DOWN_ARROW = "▼"
ACCEPTED_MARK = "✓"
REFUSED_MARK = "✗"
CLIENT_SYMBOL = "star"


@dataclass(frozen=True)
class GroupStyle:
    """How one group of clients is drawn: colour plus a dash, a bar pattern and a marker symbol."""

    color: str
    dash: str
    pattern: str
    symbol: str


#: Groups in comparison charts, in order: all clients, repaid, defaulted, then extra groups.
GROUP_STYLES: tuple[GroupStyle, ...] = (
    GroupStyle(GREY, "dot", ".", "circle"),
    GroupStyle(BLUE, "solid", "", "square"),
    GroupStyle(VERMILLION, "dash", "/", "diamond"),
    GroupStyle(BLUISH_GREEN, "dashdot", "x", "triangle-up"),
    GroupStyle(REDDISH_PURPLE, "longdash", "\\", "cross"),
)


def group_style(index: int) -> GroupStyle:
    """The style of the index-th group, cycling when there are more groups than styles."""
    return GROUP_STYLES[index % len(GROUP_STYLES)]


def relative_luminance(hex_color: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour written #RRGGBB."""
    channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.1 contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
