import numpy as np
import pytest

from components.feature_distribution import feature_distribution, is_numeric, shared_bin_edges

TEXTS = {"feature_label": "Âge (ans)", "share_title": "Part du groupe", "client_label": "Client : 35 ans"}


def test_numeric_groups_are_shares_of_each_group_with_the_client_marked():
    rng = np.random.default_rng(0)
    groups = {
        "Tous": rng.normal(40, 10, 5000),
        "Remboursé": rng.normal(42, 10, 4000),
        "Défaut": rng.normal(35, 8, 300),
    }
    figure = feature_distribution(groups, 35.0, **TEXTS)
    assert len(figure.data) == 3
    for trace in figure.data:
        assert sum(trace.y[:-1]) == pytest.approx(100, abs=0.01)
    assert len({trace.line.dash for trace in figure.data}) == 3
    assert figure.layout.shapes[0].x0 == 35.0
    assert "Client : 35 ans" in figure.layout.annotations[0].text
    assert "(n\u00a0=\u00a04\u202f000)" in figure.data[1].name
    english = feature_distribution(groups, 35.0, **TEXTS, lang="en")
    assert "(n\u00a0=\u00a04,000)" in english.data[1].name  # the English page groups numbers in English
    assert "%<extra>" in english.data[1].hovertemplate and " %" not in english.data[1].hovertemplate


def test_outliers_do_not_stretch_the_bins():
    values = np.append(np.linspace(0, 100, 1000), 1e9)
    edges = shared_bin_edges({"g": values}, 10)
    assert edges[-1] < 1000


def test_categories_are_grouped_bars_with_patterns():
    groups = {"Tous": ["A", "B", "B", None], "Défaut": ["B", "B", float("nan")]}
    figure = feature_distribution(groups, "B", **TEXTS)
    assert figure.layout.barmode == "group"
    assert list(figure.data[0].x) == ["A", "B"]
    assert list(figure.data[0].y) == pytest.approx([100 / 3, 200 / 3])
    assert list(figure.data[1].y) == pytest.approx([0, 100])
    assert figure.data[0].marker.pattern.shape != figure.data[1].marker.pattern.shape
    assert "Client" in figure.layout.annotations[0].text


def test_missing_client_value_draws_no_mark():
    figure = feature_distribution({"Tous": [1.0, 2.0, 3.0]}, None, **TEXTS)
    assert not figure.layout.shapes and not figure.layout.annotations


def test_is_numeric():
    assert is_numeric([1, 2.5])
    assert not is_numeric(["a", "b"])


def test_categories_may_come_as_counts():
    figure = feature_distribution({"Tous": {"A": 1, "B": 3, None: 5}}, "A", **TEXTS)
    assert list(figure.data[0].y) == pytest.approx([25, 75])


def test_styles_follow_the_group_not_its_position():
    from components import palette

    defaulted = palette.GROUP_STYLES[2]
    figure = feature_distribution({"Défaut": [1.0, 2.0]}, None, styles=[defaulted], **TEXTS)
    assert figure.data[0].line.dash == defaulted.dash and figure.data[0].line.color == defaulted.color
