"""PDF editions of the shipped standards: cold (empty cache) and warm (cached) generation.

Cold lays every standard out with WeasyPrint, writes each PDF and the 汇编 (which reuses
the laid-out pages); warm finds every PDF in the content cache. Prints one line per
case (wall and CPU seconds, pages, MB) and, last, one JSON object.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generators.config import load_config  # noqa: E402
from generators.loader import load_catalog  # noqa: E402
from generators.pdf.build import generate  # noqa: E402
from generators.version import project_version  # noqa: E402


def run(catalog, config, out: Path) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    written = generate(catalog, config, out, project_version(config.root))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = sum(p.stat().st_size for p in written)
    return {
        "files": len(written),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "mb": round(size / 2**20, 1),
    }


def main() -> None:
    config = load_config(REPO)
    catalog = load_catalog(config=config)
    results = {}
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        os.environ["INFOSTD_CACHE_DIR"] = cache
        for case in ("cold", "warm"):
            results[case] = run(catalog, config, Path(out) / case)
            print(f"{case}: {len(catalog.standards)} standards → {results[case]}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
