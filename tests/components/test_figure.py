from components.figure import TEMPLATE, build, layout, vline, wrap


def test_layout_merges_nested_settings_over_the_shared_ones():
    merged = layout(lang="fr", title="T", xaxis={"title": {"text": "x"}}, margin={"r": 70})
    assert merged["xaxis"] == {"automargin": True, "title": {"text": "x"}}
    assert merged["margin"] == {"l": 10, "r": 70, "t": 50, "b": 10}
    assert merged["separators"] == ",\u202f" and layout(lang="en")["separators"] == ".,"
    assert "title" not in layout(lang="fr")


def test_axes_write_numbers_out_instead_of_si_suffixes():
    """ "50 000" and "2 500 000", never Plotly's "50k" and "2.5M" (separators come from the language)."""
    for axis in (TEMPLATE.layout.xaxis, TEMPLATE.layout.yaxis):
        assert axis.exponentformat == "none" and axis.separatethousands is True


def test_patterns_overlay_the_bar_colour():
    """Hatching is a second cue on top of the colour, not a replacement for it."""
    assert TEMPLATE.data.bar[0].marker.pattern.fillmode == "overlay"


def test_build_uses_our_light_template():
    figure = build([{"type": "bar", "x": [1], "y": [2]}], layout(lang="fr"))
    assert figure.layout.template.layout.plot_bgcolor == "white"
    assert figure.data[0].type == "bar"


def test_vline_spans_the_plot_height():
    shape = vline(3.0, color="#000000", dash="dash")
    assert (shape["x0"], shape["x1"], shape["y0"], shape["y1"], shape["yref"]) == (3.0, 3.0, 0, 1, "paper")


def test_wrap_keeps_short_labels_on_one_line():
    assert wrap("Âge") == "Âge"
