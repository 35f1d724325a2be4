from components.importance import importance


def test_importance_keeps_the_n_largest_largest_first():
    figure = importance(["a", "b", "c", "d"], [0.1, 0.4, 0.3, 0.05], n=3, axis_title="|SHAP| moyen")
    bars = figure.data[0]
    assert list(bars.y) == ["b", "c", "a"]
    assert list(bars.text) == ["0,40", "0,30", "0,10"]
    assert figure.layout.yaxis.autorange == "reversed"


def test_importance_shows_descriptions_on_hover():
    figure = importance(["a"], [0.1], axis_title="x", descriptions=["Le revenu annuel"])
    assert figure.data[0].customdata[0] == "<br>Le revenu annuel"
