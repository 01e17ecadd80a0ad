"""axe-core (bundled by axe-playwright-python) run on the page a browser test has open."""

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
# Serious and critical findings fail a test; so do the rules issue 15 named, whatever
# their impact: two navigation landmarks without names, a control whose accessible name
# differs from its visible text (an experimental rule, off unless asked for).
FAILING_IMPACTS = {"serious", "critical"}
ALWAYS_FAILING = {"landmark-unique", "label-content-name-mismatch", "color-contrast"}
OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


def axe_findings(page) -> list[str]:
    """The findings that fail a test, one line each: rule, impact, where, what."""
    results = AXE.run(page, options=OPTIONS).response
    lines = []
    for v in results["violations"]:
        if v["impact"] not in FAILING_IMPACTS and v["id"] not in ALWAYS_FAILING:
            continue
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v['impact']}) {node['target']}: {node['failureSummary']}")
    return lines
