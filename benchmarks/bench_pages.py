"""Page-time benchmark: every page in headless Chromium, at the full Kaggle scale, until it is interactive.

1. Artifacts: a copy of `--artifacts` with its client tables replicated to 307,511 reference and 48,744
   production clients (`full_scale_artifacts`, as bench_serving does). With `--data` (the data folder those
   artifacts were trained on), its application tables are replicated the same way and a full-scale drift
   report is built from them (`python -m model_training drift`'s own function), so the drift page shows a
   report of the real size. Built once into `--work` (under /tmp by default) and reused by later runs.
2. Server: `gunicorn wsgi:server -c gunicorn.conf.py` on loopback, as `make serve` runs it, on a throw-away
   app database holding one admin (the drift, model and audit pages are the admin's).
3. Browser: Debian's chromium through chromedriver (as dash[testing] drives it), headless, 1440 x 1000. It
   signs in through the real sign-in form, then opens each page `--repeat` times (a first, unmeasured visit
   warms the server's caches and the browser's), and times from the navigation's start to the moment the page
   is interactive: its title is shown, Dash has no callback pending and no component loading, the busy notice
   is gone, and every chart is drawn. Meeting mode is entered last, through the client page's button.
   The drift page is also timed until the evidently report's content is visible in its frame.

Bar: every page interactive in < 2 s (the median of the repeats; the worst is printed beside it). Every
figure is printed with the machine's load average (its 2 cores are shared).
Usage: `python benchmarks/bench_pages.py --artifacts DIR [--data DIR] [--work DIR] [--repeat 5] [--rebuild]`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._measure import (
    ROOT,
    BenchUser,
    bar,
    bench_database,
    full_scale_applications,
    full_scale_artifacts,
    load_average,
    run_child,
    wait_for_health,
)
from tests.server_process import free_port, stop

PAGE_SECONDS = 2.0
TIMEOUT = 60
DONE = ".complete"

BUILD_DRIFT = """
import json, time
started = time.perf_counter()
from model_training.drift import build_drift_report
from model_training.drift_summary import report_path
result = build_drift_report({data!r}, {artifacts!r})
print(json.dumps({{"seconds": time.perf_counter() - started,
                   "html_mb": report_path({artifacts!r}).stat().st_size / 1e6}}))
"""

#: performance.now() once the page is interactive, else null (see the module's docstring).
INTERACTIVE = """
if (!document.getElementById('page-title')) return null;
if (document.querySelector('._dash-loading, [data-dash-is-loading="true"], .busy-notice, .dash-spinner'))
    return null;
const store = window.store && window.store.getState();
if (!store) return null;
const pending = Object.assign({}, store.callbacks);
delete pending.stored;
delete pending.completed;
if (Object.values(pending).some(list => list && list.length)) return null;
for (const graph of document.querySelectorAll('.dash-graph')) {
    if (!graph.querySelector('.main-svg')) return null;
}
return performance.now();
"""

#: The evidently report has drawn its first plot (checked inside its frame: the report's own policy gives it
#: an origin of its own, so the page cannot look into it, but the browser's driver can).
REPORT_CONTENT = '[id^="root_"] .js-plotly-plot .main-svg'


# 1. artifacts ---------------------------------------------------------------------------------------------


def prepare(source: Path, data: Path | None, work: Path, rebuild: bool) -> Path:
    """The full-scale artifacts folder (with a drift report when `data` is given), built once into `work` and
    rebuilt when the source artifacts, the data folder or this code's output would differ."""
    artifacts = work / "artifacts"
    built_from = _built_from(source, data)
    if (work / DONE).exists() and (work / DONE).read_text() == built_from and not rebuild:
        print(f"reusing the full-scale artifacts in {artifacts}")
        return artifacts
    (work / DONE).unlink(missing_ok=True)
    started = time.perf_counter()
    step = full_scale_artifacts(source, artifacts)
    print(
        f"full-scale client tables in {artifacts}: {time.perf_counter() - started:.1f} s ({load_average()})"
    )
    if data is not None:
        applications = work / "data"
        full_scale_applications(data, artifacts, applications, step)
        built = run_child(BUILD_DRIFT.format(data=str(applications), artifacts=str(artifacts)))
        print(
            f"full-scale drift report: {built['seconds']:.1f} s, HTML {built['html_mb']:.1f} MB "
            f"({load_average()})"
        )
    (work / DONE).write_text(built_from)
    return artifacts


def _built_from(source: Path, data: Path | None) -> str:
    """What a build depends on: the source folders and when their files last changed."""
    parts = [source, *([data] if data is not None else [])]
    return "\n".join(
        f"{p.resolve()} {max(f.stat().st_mtime_ns for f in p.rglob('*') if f.is_file())}" for p in parts
    )


# 2. server ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def served(artifacts: Path) -> Iterator[int]:
    """gunicorn serving `artifacts` on a free loopback port, stopped afterwards."""
    port = free_port()
    env = {**os.environ, "ARTIFACTS_DIR": str(artifacts)}
    command = [sys.executable, "-m", "gunicorn", "wsgi:server", "--bind", f"127.0.0.1:{port}"]
    command += ["-c", "gunicorn.conf.py", "--no-control-socket", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr: list[bytes] = []
    threading.Thread(target=lambda: stderr.extend(server.stderr), daemon=True).start()  # type: ignore[arg-type]
    try:
        try:
            wait_for_health(port, server, seconds=120)
        except RuntimeError as error:
            tail = b"".join(stderr).decode(errors="replace")[-2000:]
            raise SystemExit(f"error: gunicorn did not start: {error}\n{tail}") from None
        yield port
    finally:
        stop(server)


# 3. browser -----------------------------------------------------------------------------------------------


def chromium():
    """Headless Debian chromium through its chromedriver, with the options dash[testing] uses."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    for argument in (
        "--headless=new",
        "--window-size=1440,1000",
        "--disable-dev-shm-usage",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(driver, base: str, user: BenchUser) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login-username").send_keys(user.name)
    driver.find_element(By.ID, "login-password").send_keys(user.password)
    driver.find_element(By.ID, "login-submit").click()
    wait_for(driver, INTERACTIVE)


def wait_for(driver, script: str, seconds: float = TIMEOUT) -> float:
    """Seconds from the navigation's start until `script` returns a time, polled every 20 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        moment = driver.execute_script(script)
        if moment is not None:
            return moment / 1000
        time.sleep(0.02)
    raise TimeoutError(f"{driver.current_url}: not interactive within {seconds:.0f} s")


def interactive(driver, url: str) -> float:
    """Seconds from asking for `url` until the page is interactive and stays so (two checks 150 ms apart:
    a callback that starts late must not be missed)."""
    driver.get(url)
    while True:
        moment = wait_for(driver, INTERACTIVE)
        time.sleep(0.15)
        if driver.execute_script(INTERACTIVE) is not None:
            return moment


def report_visible(driver, url: str) -> float:
    """Seconds from the click on "show the report" (the drift page interactive) until the evidently report
    shows its first plot in the page's frame."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    interactive(driver, url)
    # as a person does: scroll to the button (the frame opens below it, in view), then click
    button = driver.find_element(By.ID, "drift-report-show")
    started = time.perf_counter()
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); arguments[0].click()", button)
    driver.switch_to.frame(driver.find_element(By.ID, "drift-report-frame"))
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                if driver.find_elements(By.CSS_SELECTOR, REPORT_CONTENT):
                    return time.perf_counter() - started
            except WebDriverException:  # the frame is between two documents
                pass
            time.sleep(0.02)
        raise TimeoutError(f"{url}: the drift report showed nothing within {TIMEOUT} s")
    finally:
        driver.switch_to.default_content()


def repeated(measure, url: str, repeat: int) -> list[float]:
    measure(url)  # warm-up, not counted
    return [measure(url) for _ in range(repeat)]


def page_urls(artifacts: Path) -> list[tuple[str, str]]:
    """(page, path): every page, for the production clients of lowest and highest risk."""
    import polars as pl

    production = pl.read_parquet(
        artifacts / "clients" / "production.parquet", columns=["SK_ID_CURR", "probability"]
    )
    ordered = production.sort("probability").get_column("SK_ID_CURR")
    client, other = int(ordered[-1]), int(ordered[0])
    return [
        ("portfolio", "/"),
        ("clients", "/clients"),
        ("client", f"/client/{client}"),
        ("explanation", f"/explanation/{client}"),
        ("comparison", f"/comparison/{client}?other={other}"),
        ("what-if", f"/what-if/{client}"),
        ("drift", "/drift"),
        ("model", "/model"),
        ("audit", "/audit"),
    ]


def enter_meeting(driver, base: str, client_path: str) -> str:
    """Meeting mode through the client page's button; the meeting page's URL."""
    from selenium.webdriver.common.by import By

    interactive(driver, base + client_path)
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, "nav-meeting"))
    deadline = time.monotonic() + TIMEOUT
    while "/meeting/" not in driver.current_url and time.monotonic() < deadline:
        time.sleep(0.05)
    return driver.current_url


def bench_pages(artifacts: Path, repeat: int, only: set[str]) -> list[tuple[str, list[float]]]:
    results: list[tuple[str, list[float]]] = []
    with bench_database("admin") as user, served(artifacts) as port:
        base = f"http://127.0.0.1:{port}"
        driver = chromium()
        try:
            sign_in(driver, base, user)
            pages = page_urls(artifacts)

            def measure(url: str) -> float:
                return interactive(driver, url)

            for name, path in pages:
                if only and name not in only:
                    continue
                results.append((name, repeated(measure, base + path, repeat)))
                print(f"  {name:<12} {summary(results[-1][1])} ({load_average()})", flush=True)
            if (not only or "drift report" in only) and _has_report(driver, base):
                visible = repeated(lambda url: report_visible(driver, url), base + "/drift", repeat)
                results.append(("drift report", visible))
                print(f"  {'drift report':<12} {summary(visible)} ({load_average()})", flush=True)
            if not only or "meeting" in only:
                meeting = enter_meeting(driver, base, dict(pages)["client"])
                results.append(("meeting", repeated(measure, meeting, repeat)))
                print(f"  {'meeting':<12} {summary(results[-1][1])} ({load_average()})", flush=True)
        finally:
            driver.quit()
    return results


def _has_report(driver, base: str) -> bool:
    from selenium.webdriver.common.by import By

    interactive(driver, base + "/drift")
    return bool(driver.find_elements(By.ID, "drift-report-show"))


def summary(samples: list[float]) -> str:
    return f"median {statistics.median(samples):5.2f} s  worst {max(samples):5.2f} s  (n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artifacts", default=os.environ.get("ARTIFACTS_DIR", str(ROOT / "artifacts")))
    parser.add_argument("--data", help="the data folder the artifacts were trained on (for the drift report)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "bench_pages"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the full-scale artifacts")
    parser.add_argument("--only", default="", help="these pages only, by name: 'comparison,drift report'")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    artifacts = prepare(Path(args.artifacts), Path(args.data) if args.data else None, work, args.rebuild)
    print(
        f"\n== pages in headless Chromium, full-scale artifacts, {args.repeat} visits each ({load_average()})"
    )
    results = bench_pages(
        artifacts, args.repeat, {name.strip() for name in args.only.split(",") if name.strip()}
    )
    print("\n| page | median (s) | worst (s) |\n|---|---|---|")
    for name, samples in results:
        print(f"| {name} | {statistics.median(samples):.2f} | {max(samples):.2f} |")
    loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nload average (1, 5, 15 min): {loads}")
    pages = [(name, samples) for name, samples in results if name != "drift report"]
    slow = [name for name, samples in pages if statistics.median(samples) >= PAGE_SECONDS]
    print(
        f"BAR every page interactive in < {PAGE_SECONDS:.0f} s (median): "
        f"{'all pages' if not slow else 'too slow: ' + ', '.join(slow)} -> {bar(not slow)}"
    )


if __name__ == "__main__":
    main()
