"""Which page a path or a Dash callback belongs to, and who may open it, read off Dash's page registry.

A page declares its audience once, in its own `dash.register_page(...)`:
- `admin=True`: administrators only (drift, model, audit);
- `meeting=True`: the client-facing view, the only page a session in meeting mode may show.
Every component id of a page starts with the page's prefix (its module name, `_` written `-`: `drift-`,
`what-if-`), or `id_prefix="..."` in `register_page`. A callback belongs to a page when it is defined in the
page's module or when one of its outputs carries the page's prefix. A shared component's callbacks (the
client picker, components/client_picker.py) are registered once on pattern-matching ids; such an id names its
instance under `aio_id`, and the instance's name carries its page's prefix (`home-picker`), so the request
lands on the page that placed that instance; an instance no page claims is for administrators only. The
Referer is never consulted. tests/pages/test_callback_ownership.py checks every callback against these rules.
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


#: The key of a pattern-matching id that names a shared component's instance (Dash's All-in-One pattern).
INSTANCE = "aio_id"

#: Who owns an instance of a shared component that no page claims: administrators only, never a meeting.
UNCLAIMED = PageRule(
    module="", path="?", pattern=re.compile(r"(?!)"), id_prefix="\0", admin=True, meeting=False
)


def id_names(component: object) -> list[str]:
    """The names an id is judged by: a string id itself; a pattern-matching id its instance (`aio_id`) when
    it has one (the component's own name, `client-picker`, says nothing of the page), else its strings."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, Mapping):
        instance = component.get(INSTANCE)
        if instance is not None:
            return [instance] if isinstance(instance, str) else []
        return [value for value in component.values() if isinstance(value, str)]
    return []


def output_ids(body: Mapping[str, Any]) -> list[str]:
    """The component ids a callback request writes to (pattern-matching ids: see `id_names`)."""
    outputs = body.get("outputs")
    specs = outputs if isinstance(outputs, list) else [outputs]
    ids: list[str] = []
    for spec in specs:
        if isinstance(spec, Mapping):
            ids += id_names(spec.get("id"))
    return ids


def instance_ids(body: Mapping[str, Any]) -> list[object]:
    """The instance names of a request's pattern-matching outputs (whatever their type)."""
    outputs = body.get("outputs")
    specs = outputs if isinstance(outputs, list) else [outputs]
    return [
        spec["id"][INSTANCE]
        for spec in specs
        if isinstance(spec, Mapping) and isinstance(spec.get("id"), Mapping) and INSTANCE in spec["id"]
    ]


def owners_of(module: str, components: Iterable[str], instances: Iterable[object] = ()) -> set[PageRule]:
    """The pages a callback belongs to: its module's page, the pages whose prefix its output ids carry, and
    `UNCLAIMED` for a shared component's instance that carries no page's prefix."""
    rules = page_rules()
    owners = {rule for rule in rules if rule.module == module}
    for component in components:
        owners |= {rule for rule in rules if component.startswith(rule.id_prefix)}
    for instance in instances:
        if not isinstance(instance, str) or not any(instance.startswith(rule.id_prefix) for rule in rules):
            owners.add(UNCLAIMED)
    return owners


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
        module = self.functions().get(str(body.get("output", "")), ("", ""))[0]
        return owners_of(module, output_ids(body), instance_ids(body))


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
