"""The deployment files keep their promises (docs/deployment.md): read as text and YAML, no container engine
needed (deploy/build-image.sh builds and runs them where podman works).

Containerfile: a build stage and a final stage FROM the same base; the final stage installs no compiler, no
pip, no -dev package, runs nothing through pip, keeps no package lists, runs as a non-root user, checks the
app's public health route, and starts gunicorn as `make serve` does; each file it copies is in the build
context (.containerignore) and every app variable it sets is one the app reads.
compose.yaml: the keys of the compose specification only; two app servers on one PostgreSQL, one Redis and
one signing key; MLflow on PostgreSQL with its artifacts on a volume; each app variable one the app reads,
each backend variable one its entry point reads; ports published on loopback only, to the port the image
serves; every named volume declared and every dependency a service.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from app.auth.guard import PUBLIC_API
from app.config import load_settings

ROOT = Path(__file__).resolve().parents[1]
#: What a final image must not carry: compilers, build systems, headers, package installers.
BUILD_TOOLS = re.compile(
    r"^(gcc|g\+\+|cpp|clang|make|cmake|build-essential|python3-pip|python3-dev|python3\.\d+-dev|"
    r"lib.*-dev|.*-dev|git|curl|wget|pip)$"
)
#: Variables gunicorn itself reads (its documented defaults for --bind and --workers).
GUNICORN_VARIABLES = {"PORT", "WEB_CONCURRENCY"}
#: Top-level and service keys of the compose specification (compose-spec.io) this file may use.
COMPOSE_TOP = {"name", "services", "volumes", "networks", "configs", "secrets", "include"}
SERVICE_KEYS = {
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes",
    "depends_on", "healthcheck", "restart", "user", "working_dir", "networks", "deploy", "labels",
    "read_only", "tmpfs", "ulimits", "stop_grace_period", "stop_signal", "init", "container_name",
    "secrets", "configs", "profiles", "logging", "cap_drop", "cap_add", "security_opt", "hostname",
}  # fmt: skip
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}
APP_SERVICES = ("app1", "app2")


# --- the Containerfile ------------------------------------------------------------------------------------


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Containerfile, continuation lines joined, comments left out."""
    lines: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [(word.upper(), rest.strip()) for word, _, rest in (line.partition(" ") for line in lines)]


def stages(path: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each stage (from one FROM to the next)."""
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions(path):
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def installed_packages(run: str) -> list[str]:
    """The package names an `apt-get install` inside a RUN asks for."""
    names: list[str] = []
    for command in re.split(r"&&|;", run):
        words = shlex.split(command)
        if "apt-get" in words and "install" in words:
            names += [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
    return names


class Recording(dict):
    """An environment that records every name the app's settings ask for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.asked.add(key)
        return super().__contains__(key)


@pytest.fixture(scope="module")
def app_variables() -> set[str]:
    """Every environment variable the app's settings read (app.config.load_settings), asked of it."""
    environment = Recording()
    load_settings(environment)
    assert {"DATABASE_URL", "CACHE_REDIS_URL", "SECRET_KEY", "ARTIFACTS_DIR"} <= environment.asked
    return environment.asked


@pytest.fixture(scope="module")
def final_stage() -> list[tuple[str, str]]:
    found = stages(ROOT / "Containerfile")
    assert len(found) >= 2, "a multi-stage build: the venv is made in a stage of its own"
    return found[-1]


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for word, rest in stage:
        if word == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                values[name] = value
    return values


def test_the_final_image_has_no_build_tools_and_runs_nothing_through_pip(final_stage):
    runs = [rest for word, rest in final_stage if word == "RUN"]
    packages = [name for run in runs for name in installed_packages(run)]
    assert "python3" in packages
    assert [name for name in packages if BUILD_TOOLS.match(name)] == []
    assert not any(re.search(r"\bpip3?\b", run) for run in runs)
    assert all("rm -rf /var/lib/apt/lists/*" in run for run in runs if "apt-get install" in run)
    # what comes from the build stage is the venv only, whose pip was removed there and whose cache never was
    copied = [rest for word, rest in final_stage if word == "COPY" and "--from=" in rest]
    assert copied == ["--from=build /opt/venv /opt/venv"]
    build = stages(ROOT / "Containerfile")[0]
    build_runs = " ".join(rest for word, rest in build if word == "RUN")
    assert "pip uninstall -y pip" in build_runs
    installs = re.findall(r"pip install[^&]*", build_runs)
    assert installs and all("--no-cache-dir" in command for command in installs)


def test_the_image_runs_gunicorn_as_a_user_that_is_not_root(final_stage):
    users = [rest for word, rest in final_stage if word == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    made = " ".join(rest for word, rest in final_stage if word == "RUN")
    made_user = re.search(rf"useradd\b.*--uid (\d+).*\b{re.escape(users[-1])}\b", made)
    assert made_user and int(made_user.group(1)) >= 1000, "the user is made here, outside the system range"
    # it comes after every RUN: nothing runs as root once it is set, gunicorn least of all
    last_user = max(i for i, (word, _) in enumerate(final_stage) if word == "USER")
    assert all(word != "RUN" for word, _ in final_stage[last_user:])
    (entry,) = [yaml.safe_load(rest) for word, rest in final_stage if word == "ENTRYPOINT"]
    assert entry[0] == "gunicorn" and entry[-1] == "wsgi:server"
    assert "--no-control-socket" in entry and entry[entry.index("-c") + 1] == "gunicorn.conf.py"
    assert "--preload" not in entry


def test_the_health_check_asks_the_apps_public_health_route(final_stage):
    checks = [rest for word, rest in final_stage if word == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/api/v1/health" in checks[0] and "/api/v1/health" in PUBLIC_API  # no token needed
    assert re.search(r"--start-period=\d+s", checks[0])  # the workers load the artifacts first


def test_the_image_sets_only_variables_someone_reads_and_serves_the_port_it_exposes(
    final_stage, app_variables
):
    environment = _env(final_stage)
    process = {
        "PATH",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "MLFLOW_DISABLE_TELEMETRY",
        "DO_NOT_TRACK",
    }
    assert set(environment) - process - GUNICORN_VARIABLES <= app_variables
    exposed = [rest for word, rest in final_stage if word == "EXPOSE"]
    assert exposed == [environment["PORT"]]


def test_every_file_the_image_copies_is_in_the_build_context():
    ignore = (ROOT / ".containerignore").read_text().splitlines()
    allowed = {line[1:] for line in ignore if line.startswith("!")}
    assert "*" in ignore  # an allow-list: nothing else of the work tree (data, venv, artifacts) is sent
    for stage in stages(ROOT / "Containerfile"):
        for word, rest in stage:
            if word == "COPY" and "--from=" not in rest:
                sources = [w for w in shlex.split(rest) if not w.startswith("--")][:-1]
                for source in sources:
                    assert (ROOT / source).exists(), source
                    assert source in allowed, f"{source} is left out of the build context"


# --- compose.yaml -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _environment(service: Mapping) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.partition("=")[::2] for item in environment)
    return {str(k): str(v) for k, v in environment.items()}


def _url(value: str):
    """A URL whose ${...} substitutions are replaced by a word (compose fills them at run time)."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "secret", value))


def _mount(volume: object) -> list[str]:
    """source, target[, mode] of a short volume syntax, a ${...} source counted as one word."""
    return re.sub(r"\$\{[^}]*\}", "host-folder", str(volume)).split(":")


def _services(compose: dict) -> Iterator[tuple[str, dict]]:
    yield from compose["services"].items()


def test_compose_uses_the_compose_specification_keys_only(compose):
    assert set(compose) - COMPOSE_TOP == {key for key in compose if key.startswith("x-")}
    assert {"postgres", "redis", "mlflow", *APP_SERVICES} <= set(compose["services"])
    for name, service in _services(compose):
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert "image" in service or "build" in service, name
        assert set(service.get("healthcheck") or {}) <= HEALTHCHECK_KEYS, name
        for dependency in service.get("depends_on") or {}:
            assert dependency in compose["services"], (name, dependency)
        for volume in service.get("volumes") or []:
            source = _mount(volume)[0]
            if not source.startswith(("/", ".", "host-folder")):
                assert source in (compose.get("volumes") or {}), (name, source)
        build = service.get("build")
        if isinstance(build, dict):
            assert (ROOT / build["context"] / build.get("dockerfile", "Containerfile")).is_file(), name


def test_the_app_servers_share_one_database_one_cache_and_one_signing_key(compose, app_variables):
    services = compose["services"]
    environments = [_environment(services[name]) for name in APP_SERVICES]
    for environment in environments:
        assert set(environment) <= app_variables | GUNICORN_VARIABLES, set(environment) - app_variables
    shared = ("DATABASE_URL", "CACHE_REDIS_URL", "SECRET_KEY", "ARTIFACTS_DIR", "MLFLOW_TRACKING_URI")
    for name in shared:
        assert len({environment[name] for environment in environments}) == 1, name
    first = environments[0]
    assert "${SECRET_KEY" in first["SECRET_KEY"]  # from the environment, never written in the file
    database = _url(first["DATABASE_URL"])
    assert database.scheme == "postgresql+psycopg" and database.hostname == "postgres"
    postgres = _environment(services["postgres"])
    assert database.path.strip("/") in postgres["POSTGRES_DATABASES"].split()
    assert database.username == postgres["POSTGRES_USER"]
    cache = _url(first["CACHE_REDIS_URL"])
    assert cache.scheme == "redis" and cache.hostname == "redis"
    tracking = _url(first["MLFLOW_TRACKING_URI"])
    assert tracking.hostname == "mlflow" and str(tracking.port) in services["mlflow"]["entrypoint"]
    # the artifacts: one folder for all, read-only, where ARTIFACTS_DIR says
    for name in APP_SERVICES:
        mounts = [_mount(v) for v in services[name]["volumes"] if _mount(v)[1] == first["ARTIFACTS_DIR"]]
        assert len(mounts) == 1 and mounts[0][2:] == ["ro"], name


def test_mlflow_keeps_its_runs_in_postgresql_and_its_artifacts_on_a_volume(compose):
    services = compose["services"]
    entry = [str(word) for word in services["mlflow"]["entrypoint"]]
    assert entry[:2] == ["mlflow", "server"]
    store = _url(entry[entry.index("--backend-store-uri") + 1])
    assert store.scheme.startswith("postgresql") and store.hostname == "postgres"
    assert store.path.strip("/") in _environment(services["postgres"])["POSTGRES_DATABASES"].split()
    destination = entry[entry.index("--artifacts-destination") + 1]
    mounted = [_mount(v)[:2] for v in services["mlflow"]["volumes"]]
    assert any(destination.startswith(target) and source in compose["volumes"] for source, target in mounted)


def test_backend_variables_are_read_by_their_entry_points(compose):
    entry = (ROOT / "deploy" / "postgres" / "entrypoint.sh").read_text()
    for name in _environment(compose["services"]["postgres"]):
        assert f"${name}" in entry or f"${{{name}" in entry, name
    assert not _environment(compose["services"]["redis"])


def test_ports_are_published_on_loopback_only_to_the_port_each_image_serves(compose, final_stage):
    served = _env(final_stage)["PORT"]
    for name, service in _services(compose):
        for mapping in service.get("ports") or []:
            parts = str(mapping).split(":")
            host, target = (parts[0] if len(parts) == 3 else "all interfaces"), parts[-1]
            assert host == "127.0.0.1", f"{name} publishes {mapping} beyond this machine"
            if name in APP_SERVICES:
                assert target == served
    host_ports = [str(m).split(":")[1] for _, s in _services(compose) for m in s.get("ports") or []]
    assert len(host_ports) == len(set(host_ports))  # two servers, two host ports
    for name in ("postgres", "redis"):  # reached by the app servers over the compose network only
        assert not compose["services"][name].get("ports")
