"""Export ``schemas/<key>.schema.json`` from the catalog (DESIGN §2)."""

from __future__ import annotations

from pathlib import Path

from .fsutil import atomic_write_bytes, is_current
from .model import SCHEMA_SUFFIX, Catalog


def expected_files(catalog: Catalog) -> dict[str, bytes]:
    return {f"{key}{SCHEMA_SUFFIX}": catalog.exported_bytes(key) for key in catalog.schemas}


def stale_files(catalog: Catalog, out_dir: Path) -> list[str]:
    """Names in ``out_dir`` that are missing, different, or no longer in the catalog."""
    expected = expected_files(catalog)
    present = {p.name for p in out_dir.glob(f"*{SCHEMA_SUFFIX}")} if out_dir.is_dir() else set()
    changed = [name for name, data in expected.items() if not is_current(out_dir / name, data)]
    return sorted(set(changed) | (present - set(expected)))


def generate(catalog: Catalog, out_dir: Path) -> list[Path]:
    """Write every schema; remove exported files whose schema is gone."""
    expected = expected_files(catalog)
    for name in stale_files(catalog, out_dir):
        target = out_dir / name
        if name in expected:
            atomic_write_bytes(target, expected[name])
        else:
            target.unlink()
    return [out_dir / name for name in expected]
