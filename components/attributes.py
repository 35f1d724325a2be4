"""HTML attributes that Python cannot spell as keywords (`aria-label`, `data-status`), for Dash components.

`html.Nav(..., **attributes(aria_label="Étapes"))` renders `aria-label="Étapes"`. Dash takes such
attributes as wildcard props; a literal `**{"aria-label": ...}` is typed `dict[str, str]`, which the type
checker matches against every named prop of the component (`hidden`, `tabIndex`...) and refuses.
"""

from __future__ import annotations

from typing import Any


def attributes(**values: str) -> dict[str, Any]:
    """The given attributes with each underscore written as a hyphen (`aria_live` is `aria-live`)."""
    return {name.replace("_", "-"): value for name, value in values.items()}
