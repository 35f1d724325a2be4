from dash import html

from components.attributes import attributes


def test_underscores_become_hyphens_and_reach_the_rendered_props():
    assert attributes(aria_label="Étapes", data_lang="fr") == {"aria-label": "Étapes", "data-lang": "fr"}
    nav = html.Nav("x", id="n", **attributes(aria_label="Étapes"))
    assert nav.to_plotly_json()["props"]["aria-label"] == "Étapes"
