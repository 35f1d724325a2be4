"""The API against its own OpenAPI document, checked by schemathesis (pinned in requirements-dev.txt).

A real gunicorn serves the app as `make serve` does (tests/app/served.py), so that gunicorn's own answers are
checked too. schemathesis reads the document the app serves and, for every operation, sends data the
document accepts (positive) and data it refuses (negative), in its examples, coverage and fuzzing phases,
then runs every check it has on each answer: no server error, the status and body declared, schema-valid
data accepted and schema-violating data refused, undeclared methods answered 405 with Allow, authentication
enforced, and a response time under 10 s. Three callers: an advisor's bearer token, an admin's, and none.

Rules JSON Schema cannot state (an annuity above the credit, employment longer than working life, a family
smaller than its children: `app.validation.consistency_errors`) make some schema-valid applications
refused: such a case must get a 400 naming exactly those fields, and every other check still runs on it.

Deterministic (fixed seed, derandomized) and bounded (MAX_EXAMPLES per operation in the fuzzing phase):
about 6,000 calls in 1.5 minutes on 2 cores, the count printed at the end; nothing is written into the
project (hypothesis' home and database). pytest 9.2 renamed a node attribute schemathesis 4.32.5 still sets:
a two-line shim below gives it back.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id
from _pytest.nodes import Node
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-pret-a-depenser")

import schemathesis  # noqa: E402  (after the hypothesis home is moved out of the project)
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from app.validation import consistency_errors  # noqa: E402
from tests.app.served import gunicorn_server  # noqa: E402
from tests.signin import bearer  # noqa: E402

if not hasattr(Node, "_nodeid"):
    # schemathesis 4.32.5 names each operation's run through `node._nodeid`, which pytest 9.2 renamed `_id`
    Node._nodeid = property(  # type: ignore[attr-defined]
        lambda node: node.nodeid, lambda node, value: setattr(node, "_id", coerce_node_id(value))
    )

MAX_EXAMPLES = 100
SEED = 20251204
CALLERS = ("advisor", "admin", "none")
CALLS: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="module")
def served(trained_artifacts, app_settings):
    with gunicorn_server(trained_artifacts, app_settings) as url:
        yield url


@pytest.fixture(scope="module", params=CALLERS)
def api_schema(request, served, app_database):
    """The document the app serves (read with a token: it is not public), once per caller."""
    schema = schemathesis.openapi.from_url(
        f"{served}/api/v1/openapi.json", headers=bearer(app_database, "advisor")
    )
    schema.config.update(base_url=served)
    schema.config.seed = SEED
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, database="none"
    )
    schema.config.checks.update(max_response_time=10.0)
    return schema


@pytest.fixture
def caller(request, app_database) -> dict[str, str]:
    """The Authorization header of this run's caller (`api_schema`'s parameter); none: no header."""
    role = request.node.callspec.params["api_schema"]
    return {} if role == "none" else bearer(app_database, role)


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    """Prints how many calls were checked, by caller and kind of data, once the module is done."""
    yield
    detail = ", ".join(f"{who} {mode} {count}" for (who, mode), count in sorted(CALLS.items()))
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\napi contract: {sum(CALLS.values())} calls checked ({detail})")


contract = schemathesis.pytest.from_fixture("api_schema")


def _refused_for_consistency(case) -> dict[str, str]:
    """The fields a schema-valid application breaks a consistency rule with (none for other cases)."""
    body = case.body
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(body, dict):
        return {}
    if case.operation.path != "/api/v1/score":
        return {}
    return consistency_errors(body, set(body), "fr")


@contract.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,  # a shared 2-core machine: bounded by max_examples, not per example
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case, caller):
    mode = case.meta.generation.mode.value if case.meta else "explicit"
    CALLS[("token" if caller else "none", mode)] += 1
    inconsistent = _refused_for_consistency(case)
    if not inconsistent:
        case.call_and_validate(headers=caller)
        return
    response = case.call_and_validate(headers=caller, excluded_checks=[positive_data_acceptance])
    if caller:
        assert response.status_code == 400, response.text[:300]
        assert set(response.json()["fields"]) == set(inconsistent), response.text[:300]
    else:
        assert response.status_code == 401
