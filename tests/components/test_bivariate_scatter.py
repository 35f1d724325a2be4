import numpy as np

from components.bivariate_scatter import bivariate_scatter, sample_indices

TEXTS = {
    "x_label": "Revenu",
    "y_label": "Crédit",
    "score_label": "Risque",
    "client_label": "Ce client",
    "others_label": "Autres clients",
}


def data(n):
    rng = np.random.default_rng(0)
    return rng.normal(size=n), rng.normal(size=n), rng.uniform(size=n)


def test_large_sets_are_sampled_and_the_client_is_drawn_on_top():
    x, y, s = data(307_511)
    figure = bivariate_scatter(x, y, s, client_x=0.1, client_y=0.2, **TEXTS)
    others, client = figure.data
    assert len(others.x) == 5000
    assert client.name == "Ce client" and client.marker.symbol == "star"
    assert (client.x[0], client.y[0]) == (0.1, 0.2)


def test_sampling_is_seeded_and_without_repeats():
    first = sample_indices(10_000, 100, seed=3)
    assert np.array_equal(first, sample_indices(10_000, 100, seed=3))
    assert len(set(first.tolist())) == 100
    assert np.array_equal(sample_indices(50, 100), np.arange(50))


def test_missing_values_are_dropped_and_no_client_without_coordinates():
    figure = bivariate_scatter(
        [1, np.nan, 3], [1, 2, 3], [0.1, 0.2, 0.3], client_x=None, client_y=None, **TEXTS
    )
    assert len(figure.data) == 1
    assert len(figure.data[0].x) == 2


def test_score_uses_a_colour_blind_safe_scale():
    x, y, s = data(100)
    figure = bivariate_scatter(x, y, s, client_x=0, client_y=0, **TEXTS)
    assert figure.data[0].marker.colorscale[0][1] == "#00224e"  # Cividis starts dark blue
