"""The drift history figures: the score PSI over its labelled bands, the features grid with written cells."""

import pytest

from components import palette
from components.drift_history import BAND_FILLS, BAND_SYMBOLS, cell_text, feature_grid, psi_trend
from components.figure import wrap

BANDS = {"stable": "stable", "moderate": "modérée", "significant": "forte"}


def trend(psi, lang="fr"):
    subjects = [f"2026-0{i + 1}" for i in range(len(psi))]
    return psi_trend(
        subjects, psi, band_labels=BANDS, axis_title="PSI du score", batch_title="Lot", name="PSI", lang=lang
    )


def test_the_trend_draws_each_batch_in_order_over_the_three_labelled_bands():
    fig = trend([0.02, 0.12, 0.31])
    (line,) = fig.data
    assert list(line.x) == ["2026-01", "2026-02", "2026-03"] and list(line.y) == [0.02, 0.12, 0.31]
    bands = [(shape.y0, shape.y1, shape.fillcolor) for shape in fig.layout.shapes]
    assert bands[0] == (0.0, 0.1, BAND_FILLS["stable"])
    assert bands[1] == (0.1, 0.25, BAND_FILLS["moderate"])
    assert bands[2][0] == 0.25 and bands[2][1] > 0.31  # the strongest point stays inside the plot
    assert [a.text for a in fig.layout.annotations] == ["stable", "modérée", "forte"]
    assert fig.layout.xaxis.type == "category"  # batch names, not dates guessed by Plotly


def test_each_point_repeats_its_band_by_shape_not_colour_alone():
    (line,) = trend([0.02, 0.12, 0.31]).data
    assert list(line.marker.symbol) == [BAND_SYMBOLS[b] for b in ("stable", "moderate", "significant")]
    assert list(line.customdata) == ["stable", "modérée", "forte"]
    assert len(set(BAND_SYMBOLS.values())) == 3


def test_a_quiet_history_still_shows_the_bands_up_to_the_strong_one():
    fig = trend([0.01, 0.02])
    assert fig.layout.yaxis.range[1] > 0.25
    assert trend([]).data[0].x == ()  # nothing to draw: no error


def test_numbers_follow_the_language():
    assert trend([0.1], "fr").layout.separators == ",\u202f"
    assert trend([0.1], "en").layout.separators == ".,"
    assert cell_text(0.143, True, "fr") == "⚠ 0,143" and cell_text(0.143, True, "en") == "⚠ 0.143"


def test_a_cell_writes_its_psi_and_evidentlys_verdict():
    assert cell_text(0.02, False, "fr") == "0,020"
    assert cell_text(None, True, "fr") == "⚠"  # a category: evidently's verdict without a PSI
    assert cell_text(None, False, "fr") == "✓"
    assert cell_text(None, None, "fr") == "–"  # the batch did not compare it


def test_the_grid_has_a_row_per_feature_most_important_on_top_and_a_column_per_batch():
    fig = feature_grid(
        ["a", "b"],
        ["Âge", "Source externe 3 (score d’un organisme de crédit extérieur)"],
        [[0.02, 0.3], [0.15, None]],
        [[False, True], [False, None]],
        band_labels=BANDS,
        batch_title="Lot",
        lang="fr",
    )
    (grid,) = fig.data
    assert list(grid.x) == ["a", "b"]
    assert list(grid.y) == ["Âge", wrap("Source externe 3 (score d’un organisme de crédit extérieur)", 28)]
    assert fig.layout.yaxis.autorange == "reversed"
    assert [list(row) for row in grid.z] == [[0, 2], [1, None]]  # bands: stable, strong / moderate, none
    assert [list(row) for row in grid.text] == [["0,020", "⚠ 0,300"], ["0,150", "–"]]
    assert grid.showscale is False and grid.zmin == 0 and grid.zmax == 2
    assert grid.textfont.color == "#212529"
    assert fig.layout.plot_bgcolor == palette.LIGHT_GREY  # a cell without a PSI


@pytest.mark.parametrize("fill", BAND_FILLS.values())
def test_band_fills_keep_dark_text_readable(fill):
    assert palette.contrast_ratio("#212529", fill) >= 4.5
