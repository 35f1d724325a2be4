"""Faults the app must survive or refuse clearly: damaged artifacts (refused at start with one line, never a
crash), an audit database that is full or read-only (pages and API keep answering, no event lost), and a
training killed while it exports (the previous artifacts stay whole and servable)."""

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from app import create_app, get_services
from app.artifacts import ArtifactsError, load_artifacts
from app.audit import audit_events, audit_log, count_spooled
from app.database import engine
from benchmarks.load_test import DashPayloads
from tests.signin import bearer, signed_in_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def artifacts_copy(trained_artifacts, tmp_path) -> Path:
    copy = tmp_path / "artifacts"
    shutil.copytree(trained_artifacts, copy)
    return copy


def _cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _edit_serving(change):
    def spoil(folder: Path) -> None:
        meta = json.loads((folder / "serving.json").read_text())
        change(meta)
        (folder / "serving.json").write_text(json.dumps(meta))

    return spoil


FAULTS = {
    # the model file: LightGBM itself segfaults on a file cut inside its trees
    "booster cut in half": (lambda f: _cut(f / "booster.txt", 0.5), "booster.txt is cut short or damaged"),
    "booster cut before its trees": (lambda f: _cut(f / "booster.txt", 0.01), "booster.txt is cut short"),
    "booster empty": (lambda f: (f / "booster.txt").write_bytes(b""), "booster.txt is cut short"),
    "booster garbage": (lambda f: (f / "booster.txt").write_bytes(os.urandom(4096)), "booster.txt is cut"),
    "booster missing": (lambda f: (f / "booster.txt").unlink(), "missing booster.txt"),
    # client tables
    "production clients missing": (
        lambda f: (f / "clients" / "production.parquet").unlink(),
        "missing clients/production.parquet",
    ),
    "reference clients cut": (
        lambda f: _cut(f / "clients" / "reference.parquet", 0.5),
        "clients/reference.parquet is unreadable",
    ),
    "client features garbage": (
        lambda f: (f / "clients" / "production_features.parquet").write_bytes(b"PAR1" + os.urandom(2048)),
        "clients/production_features.parquet is unreadable",
    ),
    # serving.json
    "serving.json cut": (lambda f: _cut(f / "serving.json", 0.5), "serving.json is unreadable"),
    "serving.json a list": (lambda f: (f / "serving.json").write_text("[]"), "not a JSON object"),
    "threshold above 1": (
        _edit_serving(lambda m: m.update(threshold=5)),
        "threshold 5.0, expected between 0 and 1",
    ),
    "threshold NaN": (_edit_serving(lambda m: m.update(threshold=float("nan"))), "threshold nan"),
    "calibration not a number": (
        _edit_serving(lambda m: m["calibration"].update(a="steep")),
        "wrong type",
    ),
    "calibration infinite": (
        _edit_serving(lambda m: m["calibration"].update(b=float("inf"))),
        "calibration.b = inf",
    ),
    "feature list not a list": (_edit_serving(lambda m: m.update(feature_names=3)), "wrong type"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_damaged_artifacts_are_refused_with_one_line(artifacts_copy, fault):
    spoil, expected = FAULTS[fault]
    spoil(artifacts_copy)
    with pytest.raises(ArtifactsError) as raised:
        load_artifacts(artifacts_copy)
    message = str(raised.value)
    assert expected in message and "\n" not in message
    assert "python -m model_training train" in message  # and how to rebuild them


@pytest.mark.parametrize("fault", ["booster cut in half", "production clients missing"])
def test_gunicorn_refuses_to_start_with_one_clear_line(artifacts_copy, fault, tmp_path):
    spoil, expected = FAULTS[fault]
    spoil(artifacts_copy)
    env = {
        **os.environ,
        "ARTIFACTS_DIR": str(artifacts_copy),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
    }
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "-c", "gunicorn.conf.py", "--workers", "2"]
    command += ["--bind", "127.0.0.1:0", "--no-control-socket"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 3  # gunicorn's "worker failed to boot": not -11 (segfault), a hang or a loop
    errors = [line for line in lines if line.startswith("error: artifacts in")]
    assert errors and all(expected in line for line in errors)
    assert "Traceback" not in done.stderr


# --- the audit database refusing writes, with the real app --------------------------------------------------


def _stored(url: str) -> int:
    with engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(audit_events)).scalar_one()


@pytest.mark.parametrize(
    "statement", ["PRAGMA query_only = ON", "PRAGMA max_page_count = 1"], ids=["read-only", "full"]
)
def test_a_refusing_audit_database_loses_no_event_and_no_page(
    trained_artifacts, app_settings, tmp_path, statement, caplog
):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(trained_artifacts, dataclasses.replace(app_settings, database_url=url))
    client = signed_in_client(app, "advisor")  # a manager's browser session, for the pages
    token = bearer(url, "advisor")  # and a program's token, for the API
    admin = signed_in_client(app, "admin")  # signed in before: a read-only database takes no new session
    payloads = DashPayloads(client.get("/_dash-dependencies").json)
    with app.server.app_context():
        ids = [int(i) for i in get_services().artifacts.production_features.ids[:30]]
    client.get("/api/v1/health")  # the table exists and holds events before the fault
    audit = audit_log(url)
    assert audit.flush()
    before = _stored(url)

    def refuse(connection, _record) -> None:
        connection.execute(statement)

    event.listen(engine(url), "connect", refuse)
    engine(url).dispose()
    try:
        for cid in ids:  # pages and API keep answering while the audit database refuses
            assert client.get(f"/api/v1/clients/{cid}/score", headers=token).status_code == 200
            page = client.post("/_dash-update-component", json=payloads.page(f"/client/{cid}"))
            assert page.status_code == 200 and "client-decision" in page.get_data(as_text=True)
        audit.flush()
        status = audit.status()
        # a full database may take the first events before it fills up; the rest wait in the spool
        assert not status.database_ok and 0 < status.pending == count_spooled(audit.spool)
        assert _stored(url) - before + status.pending == 2 * len(ids)
        assert sum("refuses events" in r.getMessage() for r in caplog.records) == 1  # one clear line
        audit_page = admin.post("/_dash-update-component", json=payloads.page("/audit", "?lang=en"))
        assert f"{status.pending} event(s) waiting" in audit_page.get_data(as_text=True)
    finally:
        event.remove(engine(url), "connect", refuse)
        engine(url).dispose()
    assert audit.flush()  # the database answers again: the spool is replayed
    assert count_spooled(audit.spool) == 0 and _stored(url) - before == 2 * len(ids)
    assert audit.status().database_ok


# --- a training killed while it exports ---------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_export_killed_midway_leaves_the_previous_artifacts_whole(artifacts_copy):
    before = _snapshot(artifacts_copy)
    program = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from model_training import export\n"
        "out = Path(sys.argv[1])\n"
        "staging = export.staging_folder(out)\n"  # what train does: every file goes to staging first
        "(staging / 'serving.json').write_text('{\"threshold\": 0.')\n"
        "(staging / 'booster.txt').write_bytes((out / 'booster.txt').read_bytes()[:1000])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(artifacts_copy)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL
    assert _snapshot(artifacts_copy) == before
    assert load_artifacts(artifacts_copy).model.threshold == json.loads(before["serving.json"])["threshold"]
