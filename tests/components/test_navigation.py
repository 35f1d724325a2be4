import dash_bootstrap_components as dbc
from dash import html

from components.navigation import NavItem, href, navigation_bar, page_frame


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def bar(lang="fr", active="home"):
    items = [NavItem("home", "Portefeuille", "/"), NavItem("drift", "Dérive (admin)", None, "bientôt")]
    return navigation_bar(
        items,
        active=active,
        lang=lang,
        current_path="/client/7",
        brand="PàD",
        nav_label="Nav",
        language_label="Langue",
    )


def test_href_keeps_the_language_only_when_not_french():
    assert href("/clients", "fr") == "/clients"
    assert href("/clients", "en") == "/clients?lang=en"
    assert href("/x", "en", other=5, none=None) == "/x?lang=en&other=5"


def test_language_switch_links_to_the_same_page():
    links = {getattr(c, "id", None): c for c in walk(bar("en")) if isinstance(c, dbc.NavLink)}
    assert links["lang-fr"].href == "/client/7"
    assert links["lang-en"].href == "/client/7?lang=en"
    assert links["lang-en"].active and not links["lang-fr"].active
    assert links["nav-home"].href == "/?lang=en" and links["nav-home"].active


def test_reserved_drift_slot_is_disabled_and_says_why():
    slot = next(c for c in walk(bar()) if getattr(c, "id", None) == "nav-drift")
    assert isinstance(slot, html.Span)
    assert "disabled" in slot.className
    assert slot.title == "bientôt"


def test_page_frame_has_a_skip_link_to_main():
    frame = page_frame(html.P("x"), header=bar(), lang="en", title="T", skip_label="Skip")
    skip = next(c for c in walk(frame) if isinstance(c, html.A))
    main = next(c for c in walk(frame) if isinstance(c, html.Main))
    assert skip.href == f"#{main.id}"
    assert main.lang == "en"


def test_page_frame_gives_table_pagers_their_words_in_the_page_language():
    """assets/table-pager.js names DataTable's icon-only pager buttons from these attributes."""
    for lang, first in (("fr", "Première page"), ("en", "First page")):
        frame = page_frame(html.P("x"), header=bar(), lang=lang, title="T", skip_label="Skip")
        main = next(c for c in walk(frame) if isinstance(c, html.Main))
        words = main.to_plotly_json()["props"]
        assert words["data-table-first-page"] == first
        assert "{current}" in words["data-table-page-input"] and "{count}" in words["data-table-page-input"]
