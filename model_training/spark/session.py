"""A SparkSession for the project: Java and pyspark checked first, local defaults set in code.

What a user would otherwise put in their shell is set here: JAVA_HOME (Debian's Java 17 when nothing says
otherwise), the driver bound to 127.0.0.1 in local mode, no web UI, Spark's logs down to errors, and the
Python workers started with this interpreter and able to import `model_training`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from model_training.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Where Debian's openjdk-17-jre-headless puts Java when JAVA_HOME is not set.
DEBIAN_JAVA_HOME = Path("/usr/lib/jvm/java-17-openjdk-amd64")
JAVA_PACKAGE = "openjdk-17-jre-headless"
MINIMUM_JAVA = 17
#: The project's root: on the Python workers' path, so that they import `model_training` in local mode.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
#: local, local[4], local[*], local[4,2] (retries), or a cluster manager's URL.
MASTER_PATTERN = re.compile(r"local(\[(\d+|\*)(,\d+)?\])?|yarn|(spark|k8s|mesos)://\S+")


class SparkUnavailable(InputError):
    """Spark cannot start here: the message names what to install or set."""


def check_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(
            "pyspark is not installed: install it with `pip install -r requirements-spark.txt`"
        ) from None


def _java_version(java: Path) -> int | None:
    try:
        shown = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        ).stderr
    except OSError:
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def java_home() -> Path:
    """The Java that Spark will use (JAVA_HOME, else `java` on PATH, else Debian's Java 17); SparkUnavailable
    naming what to install when there is none, or when it is older than 17."""
    given = os.environ.get("JAVA_HOME")
    if given:
        home, source = Path(given), f"JAVA_HOME={given}"
    elif (on_path := shutil.which("java")) is not None:
        home, source = Path(on_path).resolve().parent.parent, f"java on PATH ({on_path})"
    elif (DEBIAN_JAVA_HOME / "bin" / "java").is_file():
        home, source = DEBIAN_JAVA_HOME, str(DEBIAN_JAVA_HOME)
    else:
        raise SparkUnavailable(
            f"Java {MINIMUM_JAVA} is needed by Spark and none was found: install it with "
            f"`apt-get install {JAVA_PACKAGE}` (or set JAVA_HOME)"
        )
    java = home / "bin" / "java"
    version = _java_version(java) if java.is_file() else None
    if version is None:
        raise SparkUnavailable(
            f"{source} holds no usable Java ({java} does not run): install Java {MINIMUM_JAVA} with "
            f"`apt-get install {JAVA_PACKAGE}` or point JAVA_HOME at one"
        )
    if version < MINIMUM_JAVA:
        raise SparkUnavailable(
            f"{source} is Java {version}; Spark 4 needs Java {MINIMUM_JAVA} or later: install it with "
            f"`apt-get install {JAVA_PACKAGE}` or point JAVA_HOME at one"
        )
    return home


def is_local(master: str) -> bool:
    return master.startswith("local")


def submitted() -> bool:
    """True when spark-submit started this process: its --master and --conf then rule."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(master: str | None = None, partitions: int = 8, driver_memory: str = "2g") -> SparkSession:
    """A session on `master` (default: spark-submit's, else local[2]) with `partitions` shuffle partitions
    (the N every table is hashed into).

    In local mode the workers are this interpreter with the project on their path; on a cluster they get
    `model_training` and its dependencies from what spark-submit ships (see the README).
    """
    check_pyspark()
    if master is None and not submitted():
        master = "local[2]"
    local = master is not None and is_local(master)
    if not submitted():
        os.environ["JAVA_HOME"] = str(java_home())
    if local:
        paths = [str(PROJECT_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    log_option = f"-Dlog4j2.configurationFile=file:{_LOG_CONFIG}"
    builder = (
        SparkSession.builder.appName("credit-scoring")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.session.timeZone", "UTC")
        # the per-table shuffles must keep the N hash partitions the features rely on: no coalescing
        .config("spark.sql.adaptive.coalescePartitions.enabled", "false")
    )
    if master is not None:
        builder = builder.master(master)
    if local:
        builder = (
            builder.config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.memory", driver_memory)
            .config("spark.driver.extraJavaOptions", log_option)
            .config("spark.pyspark.python", sys.executable)
        )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM did not start: say so in one line
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise SparkUnavailable(
            f"Spark could not start on {master or 'spark-submit'}'s master: {first}"
        ) from None
    session.sparkContext.setLogLevel("FATAL")  # a failure becomes one line (spark_errors)
    return session


_JVM_PACKAGES = ("org.", "java.", "scala.", "py4j.", "Caused by")


def _spark_message(error: BaseException) -> str:
    """What went wrong, from a Spark failure's long text: a Python worker's own exception (the last line of
    its traceback), else the file being read and the deepest Java cause, without the stack traces."""
    text = str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "PythonException" in text:
        raised = [
            line
            for line in lines
            if re.match(r"^[A-Za-z_][\w.]*(Error|Exception): ", line) and not line.startswith(_JVM_PACKAGES)
        ]
        if raised:
            return re.sub(r"^(model_training\.errors\.)?InputError: ", "", raised[-1])[:400]
    said = []
    reading = re.search(r"while reading file (\S+?)\.?\s", text)
    if reading:
        said.append(f"reading {reading.group(1).rsplit('/', 1)[-1]}")
    if "MALFORMED_RECORD_IN_PARSING" in text:
        said.append("a row does not fit the Kaggle column types (FAILFAST parse)")
    causes = re.findall(r"Caused by: [\w.$]+: (.+)", text)
    deepest = causes[-1] if causes else (lines[1] if len(lines) > 1 else lines[0] if lines else "")
    deepest = re.sub(r"\s*SQLSTATE: \w+", "", deepest.split(": [", 1)[0]).strip()
    if deepest:
        said.append(deepest)
    return "; ".join(said)[:400] or type(error).__name__


@contextmanager
def spark_errors(what: str) -> Iterator[None]:
    """A failure inside Spark (a value the CSV parser refuses, a worker's exception) as one InputError line
    starting with `what`, instead of a JVM stack trace."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    try:
        yield
    except (PySparkException, Py4JError) as error:
        raise InputError(f"{what}: {_spark_message(error)}") from None
