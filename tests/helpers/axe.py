"""axe-core in a Playwright page: the WCAG 2.2 AA problems it finds, in words a failing test can print."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("serious", "critical")


@cache
def _axe_script() -> str:
    # axe-core's own script, shipped inside axe-playwright-python (installed by the test extras).
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).with_name("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] | None = SERIOUS) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now (of these ``impacts``; None: all)."""
    page.evaluate(_axe_script())
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    assert len(result["passes"]) > 5  # it ran, and checked things
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if impacts is None or v["impact"] in impacts
    ]
