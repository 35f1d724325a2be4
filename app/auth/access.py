"""Which page a path or a Dash callback belongs to, and who may open it, read off Dash's page registry.

A page declares its audience once, in its own `dash.register_page(...)`:
- `admin=True`: administrators only (drift, model, audit);
- `meeting=True`: the client-facing view, the only page a session in meeting mode may show.
Every component id of a page starts with the page's prefix (its module name, `_` written `-`: `drift-`,
`what-if-`), or `id_prefix="..."` in `register_page`. A callback belongs to a page when it is defined in the
page's module or when one of its outputs carries the page's prefix; so a helper that registers a callback
for a page elsewhere (the client picker) still lands on the right page. The Referer is never consulted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import dash

from app.identity import Identity

ROUTER_OUTPUT = "_pages_content"  # Dash's router callback renders a page into this component


@dataclass(frozen=True)
class PageRule:
    """One registered page: where it lives, its id prefix and who may see it."""

    module: str
    path: str
    pattern: re.Pattern[str]
    id_prefix: str
    admin: bool
    meeting: bool

    def allows(self, identity: Identity | None) -> bool:
        return identity is not None and (identity.is_admin or not self.admin)


def _pattern(page: Mapping[str, Any]) -> re.Pattern[str]:
    """`/client/<client_id>` → one path segment per variable, as Dash's router reads it."""
    template = page.get("path_template") or page["path"]
    parts = re.split(r"(<[^>/]+>)", template)
    regex = "".join("[^/]+" if part.startswith("<") else re.escape(part) for part in parts)
    return re.compile(regex.rstrip("/") or "/")


def _rule(module: str, page: Mapping[str, Any]) -> PageRule:
    name = module.rsplit(".", 1)[-1].replace("_", "-")
    return PageRule(
        module=module,
        path=page.get("path_template") or page["path"],
        pattern=_pattern(page),
        id_prefix=page.get("id_prefix") or f"{name}-",
        admin=bool(page.get("admin")),
        meeting=bool(page.get("meeting")),
    )


@lru_cache(maxsize=8)
def _rules(pages: tuple[str, ...]) -> tuple[PageRule, ...]:
    return tuple(_rule(module, dash.page_registry[module]) for module in pages)


def page_rules() -> tuple[PageRule, ...]:
    """The rules of every registered page (rebuilt only when the registry changes)."""
    return _rules(tuple(dash.page_registry))


def page_for_path(path: str) -> PageRule | None:
    """The page a URL path shows; exact paths win over templates (`/client/none` before `/client/<id>`)."""
    path = path.rstrip("/") or "/"
    rules = page_rules()
    for rule in rules:
        if "<" not in rule.path and (rule.path.rstrip("/") or "/") == path:
            return rule
    return next((rule for rule in rules if rule.pattern.fullmatch(path)), None)


def admin_paths() -> list[str]:
    """Paths of the admin pages, for hiding their links from advisors."""
    return [rule.path for rule in page_rules() if rule.admin]


def may_open_path(identity: Identity | None, path: str | None) -> bool:
    """Whether a link to `path` leads somewhere this identity may go (unknown paths: any signed-in user)."""
    if path is None:
        return identity is not None
    rule = page_for_path(path.split("?", 1)[0])
    return rule.allows(identity) if rule else identity is not None


# --- callbacks ----------------------------------------------------------------------------------------------


def output_ids(body: Mapping[str, Any]) -> list[str]:
    """The component ids a callback request writes to (pattern-matching ids: their string values)."""
    outputs = body.get("outputs")
    specs = outputs if isinstance(outputs, list) else [outputs]
    ids: list[str] = []
    for spec in specs:
        if not isinstance(spec, Mapping):
            continue
        component = spec.get("id")
        if isinstance(component, str):
            ids.append(component)
        elif isinstance(component, Mapping):
            ids += [value for value in component.values() if isinstance(value, str)]
    return ids


def _callback_functions(callback_map: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """Output key → (module that defined the callback, the function's name)."""
    functions = {}
    for key, spec in callback_map.items():
        function = spec.get("callback")
        function = getattr(function, "__wrapped__", function)
        functions[key] = (getattr(function, "__module__", "") or "", getattr(function, "__name__", "") or "")
    return functions


class CallbackOwners:
    """Maps a callback request to the pages it belongs to (its module's page, and its outputs' prefixes)."""

    def __init__(self, app: dash.Dash) -> None:
        self.app = app
        self._functions: dict[str, tuple[str, str]] = {}

    def functions(self) -> dict[str, tuple[str, str]]:
        # the callback map grows until Dash's first request is set up: rebuilt while it still changes
        if len(self._functions) != len(self.app.callback_map):
            self._functions = _callback_functions(self.app.callback_map)
        return self._functions

    def purpose(self, body: Mapping[str, Any]) -> str:
        """What the callback does, as its function is named (`simulate`, `show_events`); "page" for the
        router, which renders a whole page."""
        if is_router_call(body):
            return "page"
        return self.functions().get(str(body.get("output", "")), ("", ""))[1] or "callback"

    def pages(self, body: Mapping[str, Any]) -> set[PageRule]:
        rules = page_rules()
        module = self.functions().get(str(body.get("output", "")), ("", ""))[0]
        owners = {rule for rule in rules if rule.module == module}
        for component in output_ids(body):
            owners |= {rule for rule in rules if component.startswith(rule.id_prefix)}
        return owners


def is_router_call(body: Mapping[str, Any]) -> bool:
    return ROUTER_OUTPUT in output_ids(body)


def router_path(body: Mapping[str, Any]) -> str | None:
    """The pathname the router callback is asked to render."""
    for item in _inputs(body):
        if item.get("property") == "pathname" and isinstance(item.get("value"), str):
            return item["value"]
    return None


def _inputs(body: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    inputs = body.get("inputs")
    return [item for item in inputs if isinstance(item, Mapping)] if isinstance(inputs, list) else []
