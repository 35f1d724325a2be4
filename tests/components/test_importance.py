from components.importance import importance


def test_importance_keeps_the_n_largest_largest_first():
    figure = importance(["a", "b", "c", "d"], [0.1, 0.4, 0.3, 0.05], n=3, axis_title="Effet moyen (points)")
    bars = figure.data[0]
    assert list(bars.y) == ["b", "c", "a"]
    assert list(bars.text) == ["0,40", "0,30", "0,10"]
    assert figure.layout.yaxis.autorange == "reversed"


def test_the_caller_writes_the_figures_in_its_unit():
    figure = importance(["a", "b"], [2.9, 0.04], axis_title="x", value_texts=["2,9 pts", "0,04 pt"])
    assert list(figure.data[0].text) == ["2,9 pts", "0,04 pt"]
    assert figure.layout.xaxis.title.text == "x"


def test_importance_shows_descriptions_on_hover():
    figure = importance(["a"], [0.1], axis_title="x", descriptions=["Le revenu annuel"])
    assert figure.data[0].customdata[0] == "<br>Le revenu annuel"
