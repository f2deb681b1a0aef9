"""The 在线校验 page with a 20,000-row customer workbook in headless Chromium: prints the
longest main-thread task (target ≤ 200 ms, the issue's figure), the number of long tasks
(> 50 ms) and the time until the results are shown.

    .venv/bin/python benchmarks/validator_page_bench.py [rows]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generators.config import load_config  # noqa: E402
from generators.loader import load_catalog  # noqa: E402
from generators.validate.sample import customer_rows  # noqa: E402
from tests.browser import ARGS, CHROMIUM, serve  # noqa: E402
from tests.conftest import build_site  # noqa: E402
from tests.test_portal_validator import LONG_TASKS, fill_template  # noqa: E402


def main(n: int = 20_000) -> None:
    catalog = load_catalog(config=load_config(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(ROOT, Path(tmp) / "site")
        rows = list(customer_rows(catalog, n, seed=11, defect_rate=0.02))
        big = fill_template(
            site / "downloads/templates/customer.xlsx", rows, Path(tmp) / "big.xlsx"
        )
        served = serve(site)
        base = next(served)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                page.goto(base + "tools/validator/", wait_until="networkidle")
                page.wait_for_selector("body[data-infostd-validator=ready]")
                page.evaluate(LONG_TASKS)
                started = time.perf_counter()
                page.locator("#infostd-file").set_input_files(str(big))
                page.wait_for_function(
                    "Number(document.body.dataset.infostdFinished || 0) > 0", timeout=600_000
                )
                elapsed = time.perf_counter() - started
                tasks = page.evaluate("window.__longTasks")
                browser.close()
        finally:
            served.close()
    print(f"rows {n}: results after {elapsed:.1f} s")
    print(f"long tasks (> 50 ms): {len(tasks)}; longest {max(tasks, default=0):.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
