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
Likewise an advisor's decision without a reason is refused when it overrides the model's decision on that
application (the store knows which): then it must be a 400 naming `reason` only.

The server runs on its own database: schemathesis stores the credit files it sends to
POST /api/v1/applications (every generated file that the document accepts must be stored: 201, or 200 for a
retry of an Idempotency-Key, 409 for a key reused with another body) and records decisions on them.

Deterministic (fixed seed, derandomized) and bounded (MAX_EXAMPLES per operation in the fuzzing phase; the
credit file's coverage phase for two callers of three: ADMIN_POST_FILE), the count printed at the end;
nothing is written into the project (hypothesis' home and database). pytest 9.2 renamed a node attribute
schemathesis 4.32.5 still sets: a two-line shim below gives it back.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id
from _pytest.nodes import Node
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-pret-a-depenser")

import schemathesis  # noqa: E402  (after the hypothesis home is moved out of the project)
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.config import OperationConfig  # noqa: E402
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
#: POST /api/v1/applications' coverage phase is every field of every record of the credit file at its
#: boundaries, and beyond them: about 2,400 calls per caller, half of the suite's time. It runs for the
#: advisor (each valid file stored) and without a token; the admin's run, the same files through the same
#: code with another role, keeps the examples and fuzzing phases only.
ADMIN_POST_FILE = {"include-name": "POST /api/v1/applications", "phases": {"coverage": {"enabled": False}}}
SEED = 20251204
CALLERS = ("advisor", "admin", "none")
CALLS: Counter[tuple[str, str]] = Counter()
BY_OPERATION: Counter[str] = Counter()


@pytest.fixture(scope="module")
def contract_database(app_settings, tmp_path_factory) -> str:
    """The server's own database: schemathesis stores the credit files it sends (and records decisions on
    them), which must not change the session's portfolio."""
    return f"sqlite:///{tmp_path_factory.mktemp('api_contract') / 'app.db'}"


@pytest.fixture(scope="module", params=CALLERS)
def api_schema(request, trained_artifacts, app_settings, contract_database):
    """The document the app serves (read with a token: it is not public), once per caller, each caller on a
    server of its own over the module's database (two CI runs under heavy load lost a server shared by all
    three callers, once the first one was done: a fresh one per caller keeps each run to its own server)."""
    settings = replace(app_settings, database_url=contract_database)
    with gunicorn_server(trained_artifacts, settings) as served:
        yield _schema(request.param, served, contract_database)


def _schema(role: str, served: str, contract_database: str):
    schema = schemathesis.openapi.from_url(
        f"{served}/api/v1/openapi.json", headers=bearer(contract_database, "advisor")
    )
    schema.config.update(base_url=served)
    schema.config.seed = SEED
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, database="none"
    )
    schema.config.checks.update(max_response_time=10.0)
    if role == "admin":
        schema.config.operations.operations.append(OperationConfig.from_dict(ADMIN_POST_FILE))
    return schema


@pytest.fixture
def caller(request, contract_database) -> dict[str, str]:
    """The Authorization header of this run's caller (`api_schema`'s parameter); none: no header."""
    role = request.node.callspec.params["api_schema"]
    return {} if role == "none" else bearer(contract_database, role)


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    """Prints how many calls were checked, by caller and kind of data, once the module is done."""
    yield
    detail = ", ".join(f"{who} {mode} {count}" for (who, mode), count in sorted(CALLS.items()))
    with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\napi contract: {sum(CALLS.values())} calls checked ({detail})")
        print(
            "by operation: " + ", ".join(f"{label} {count}" for label, count in sorted(BY_OPERATION.items()))
        )


contract = schemathesis.pytest.from_fixture("api_schema")


def _refused_for_consistency(case) -> dict[str, str]:
    """The fields a schema-valid application breaks a consistency rule with (none for other cases)."""
    body = case.body
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(body, dict):
        return {}
    if case.operation.path != "/api/v1/score":
        return {}
    return consistency_errors(body, set(body), "fr")


def _may_need_a_reason(case) -> bool:
    """A schema-valid decision without a reason: refused (400 naming `reason`) when it overrides the
    model's decision on that application, a fact of the store that no schema can state."""
    body = case.body
    if case.meta is None or not case.meta.generation.mode.is_positive or not isinstance(body, dict):
        return False
    if case.operation.path != "/api/v1/applications/{application_id}/decision":
        return False
    return not (body.get("reason") or "").strip()


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
    BY_OPERATION[case.operation.label] += 1
    if _may_need_a_reason(case):
        response = case.call_and_validate(headers=caller, excluded_checks=[positive_data_acceptance])
        if response.status_code == 400:
            assert caller and response.json()["error"] == "reason_required", response.text[:300]
            assert set(response.json()["fields"]) == {"reason"}, response.text[:300]
        return
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
