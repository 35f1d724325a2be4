"""Each domain fact is defined in one place: this walks the source tree and fails on a second definition.

Homes: days per year in model_training/units.py; the 365243 "no date" sentinel in model_training/quirks.py;
the logistic function and the Platt map in model_training/calibration.py; the decision rule (probability
against threshold) and the client tables' probability/decision columns in model_training/decision.py;
TARGET in model_training/schema.py; the languages in app/i18n.py. The checks read the syntax tree, so
comments and docstrings may still talk about 365243 or "probability >= threshold".
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("app", "components", "pages", "model_training")

HOMES = {
    "days per year": "model_training/units.py",
    "no-date sentinel": "model_training/quirks.py",
    "sigmoid": "model_training/calibration.py",
    "Platt map": "model_training/calibration.py",
    "decision rule": "model_training/decision.py",
    "probability/decision columns": "model_training/decision.py",
    "TARGET column": "model_training/schema.py",
    "languages": "app/i18n.py",
}

_NAMED_A = {"a", "_a", "calibration_a"}
#: What a threshold is compared with when the comparison decides: a probability, a score, scores' values.
_SCORES = re.compile(r"prob|score|values|^p$")
_COLUMNS = {"probability": "probability/decision columns", "decision": "probability/decision columns"}


def _name(node: ast.AST) -> str:
    """The last part of a dotted name (`np.exp` → "exp", `self.threshold` → "threshold"), else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float))


def _facts(tree: ast.AST) -> list[tuple[str, int]]:
    """(fact, line) for every place in a module that defines or re-implements a domain fact."""
    found = []
    for node in ast.walk(tree):
        if _is_number(node) and node.value in (365.25, 30.4375):  # type: ignore[attr-defined]
            found.append(("days per year", node.lineno))
        elif _is_number(node) and node.value == 365_243:  # type: ignore[attr-defined]
            found.append(("no-date sentinel", node.lineno))
        elif isinstance(node, ast.Call) and _name(node.func) == "exp" and node.args:
            if isinstance(node.args[0], ast.UnaryOp) and isinstance(node.args[0].op, ast.USub):
                found.append(("sigmoid", node.lineno))  # 1 / (1 + exp(-x)), however spelled around it
        elif _name(node) == "expit":
            found.append(("sigmoid", node.lineno))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            if {_name(node.left), _name(node.right)} & _NAMED_A:
                found.append(("Platt map", node.lineno))  # a * raw (+ b)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            ordered = all(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops)
            thresholds = [s for s in sides if _name(s).endswith("threshold")]
            scores = [s for s in sides if s not in thresholds and _SCORES.search(ast.unparse(s))]
            if ordered and thresholds and scores:
                found.append(("decision rule", node.lineno))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for target, value in _pairs(node):
                if _name(target) == "LANGUAGES":
                    found.append(("languages", node.lineno))
                if isinstance(target, ast.Name) and _constant(value) in _COLUMNS:
                    found.append((_COLUMNS[_constant(value)], node.lineno))  # type: ignore[index]
                if isinstance(target, ast.Name) and _constant(value) == "TARGET":
                    found.append(("TARGET column", node.lineno))
        if isinstance(node, (ast.Tuple, ast.List)) and [_constant(e) for e in node.elts] == ["fr", "en"]:
            found.append(("languages", node.lineno))
    return found


def _constant(node: ast.AST) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _pairs(node: ast.Assign | ast.AnnAssign) -> list[tuple[ast.AST, ast.AST]]:
    """(name, value) of an assignment, unpacking `A, B = x, y` pairwise."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for target in targets:
        if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            pairs.extend(zip(target.elts, node.value.elts, strict=False))
        else:
            pairs.append((target, node.value))  # type: ignore[arg-type]
    return pairs


def _modules():
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _redefinitions() -> dict[tuple[str, str], list[int]]:
    where: dict[tuple[str, str], list[int]] = {}
    for module, tree in _modules():
        for fact, line in _facts(tree):
            if HOMES[fact] != module:
                where.setdefault((module, fact), []).append(line)
    return where


def test_every_fact_is_defined_in_its_home():
    at_home = {fact for module, tree in _modules() for fact, _ in _facts(tree) if HOMES[fact] == module}
    assert at_home == set(HOMES), "a fact lost its definition: update HOMES or restore it"


def test_no_fact_is_defined_twice():
    found = _redefinitions()
    assert not found, "defined again outside its home (import it from there): " + ", ".join(
        f"{module}:{lines} {fact} (home: {HOMES[fact]})" for (module, fact), lines in sorted(found.items())
    )


@pytest.mark.parametrize(
    ("source", "fact"),
    [
        ("DAYS_PER_YEAR = 365.25", "days per year"),
        ("NO_DATE = 365243", "no-date sentinel"),
        ("p = 1.0 / (1.0 + np.exp(-x))", "sigmoid"),
        ("p = 1 / (1 + math.exp(-(a * raw + b)))", "sigmoid"),
        ("from scipy.special import expit\np = expit(x)", "sigmoid"),
        ("z = self._a * raw + self._b", "Platt map"),
        ("refused = probability >= threshold", "decision rule"),
        ("ok = p < self.production_threshold", "decision rule"),
        ("LANGUAGES = ('fr', 'en')", "languages"),
        ("for lang in ['fr', 'en']: pass", "languages"),
        ("PROBABILITY = 'probability'", "probability/decision columns"),
        ("TARGET, SCORE = 'TARGET', 'probability'", "TARGET column"),
    ],
)
def test_the_walk_sees_a_redefinition(source, fact):
    assert fact in [f for f, _ in _facts(ast.parse(source))]


@pytest.mark.parametrize(
    "source",
    [
        '"""365243 days is about 1000 years; refused when probability >= threshold."""',
        "# 1 / (1 + np.exp(-x))",
        "drifted = psi >= threshold",
        "valid = 0 < card.threshold < 1",
        "picked = optimum.threshold <= upper",
        "COLUMNS = ('SK_ID_CURR', 'probability', 'decision')",
        "years = np.exp(x - 2)",
        "frame.get_column(PROBABILITY)",
    ],
)
def test_the_walk_lets_mentions_and_other_comparisons_be(source):
    assert _facts(ast.parse(source)) == []
