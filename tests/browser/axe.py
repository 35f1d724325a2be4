"""axe-core (npm, pinned in tests/browser/package.json) run inside the page Chromium shows.

`make test` installs it with `npm ci`; the script is injected through WebDriver, so the app's Content
Security Policy stays as served (a script run by the driver is not a page script).
"""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 levels A and AA, as the quality bar says (axe's own tag names).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(driver) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now."""
    if not AXE_SCRIPT.is_file():
        how = "run `npm ci` in tests/browser, or `make browser`"
        raise RuntimeError(f"axe-core is missing: {AXE_SCRIPT} ({how})")
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))
          }))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
        """,
        WCAG_TAGS,
    )
    return list(result)


def describe(violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, what it asks, where."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {(node.get('summary') or '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(driver, where: str) -> None:
    """Fail with every violation named when axe finds any (WCAG 2.1 A/AA) on the current page."""
    driver.set_script_timeout(60)
    violations = axe_violations(driver)
    found = f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {where}"
    assert not violations, f"{found}:\n{describe(violations)}"
