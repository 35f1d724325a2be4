import json
import math

from flask import Flask

from app.json_answers import FiniteJSONProvider, finite


def test_non_finite_numbers_are_written_as_null_everywhere_in_an_answer():
    server = Flask(__name__)
    server.json = FiniteJSONProvider(server)
    answer = {"a": math.inf, "b": [1.5, -math.inf, {"c": math.nan}], "d": (2.0, math.nan), "é": "ü"}
    text = server.json.dumps(answer)
    assert json.loads(text, parse_constant=lambda name: None) == {
        "a": None,
        "b": [1.5, None, {"c": None}],
        "d": [2.0, None],
        "é": "ü",
    }
    assert "NaN" not in text and "Infinity" not in text and "\\u" not in text
    assert list(json.loads(server.json.dumps({"z": 1, "a": 2}))) == ["z", "a"]  # keys in their order
    assert finite([math.inf]) == [None]
