"""What is in ``downloads/``: every artifact with size and SHA-256, and the buttons of one
standard (only for files that exist at build time)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..model import Schema

DOWNLOADS = "downloads"
CHECKSUMS = "SHA256SUMS"
VALIDATORS = [
    ("Python 校验代码", "validators/infostd_validators.py"),
    ("JavaScript 校验代码", "validators/infostd-validators.mjs"),
]

# build step "sql" (generators/sql/cli.generate): one DDL file per dialect
SQL_DDL = [
    ("PostgreSQL", "sql/postgres.sql"),
    ("MySQL", "sql/mysql.sql"),
    ("DuckDB", "sql/duckdb.sql"),
    ("Spark（Parquet 表）", "sql/spark.sql"),
]


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to downloads/, with forward slashes
    size: int
    sha256: str


def list_artifacts(downloads: Path | None) -> list[Artifact]:
    if downloads is None or not downloads.is_dir():
        return []
    artifacts = []
    for path in sorted(p for p in downloads.rglob("*") if p.is_file()):
        if path.name == CHECKSUMS:
            continue
        data = path.read_bytes()
        artifacts.append(
            Artifact(
                path.relative_to(downloads).as_posix(), len(data), hashlib.sha256(data).hexdigest()
            )
        )
    return artifacts


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def schema_downloads(schema: Schema, downloads: Path | None) -> list[tuple[str, str]]:
    """(label, path under downloads/) for one schema's artifacts that exist."""
    if downloads is None:
        return []
    candidates = [("数据结构文件（供开发人员）", f"schemas/{schema.key}.schema.json")]
    if schema.kind == "record":
        candidates.append((f"下载模板（{schema.title}）", f"templates/{schema.key}.xlsx"))
    if schema.kind == "codelist":
        candidates.insert(0, ("下载代码表（CSV）", f"codelists/{schema.key}.csv"))
        candidates.insert(0, ("下载代码表（Excel）", f"codelists/{schema.key}.xlsx"))
    return [(label, path) for label, path in candidates if (downloads / path).is_file()]


def validator_downloads(downloads: Path | None) -> list[tuple[str, str]]:
    if downloads is None:
        return []
    return [(label, path) for label, path in VALIDATORS if (downloads / path).is_file()]


def standard_pdf(standard_id: str, downloads: Path | None) -> list[tuple[str, str]]:
    """The standard's PDF edition (``downloads/pdf/<id>.pdf``), when the build made it."""
    path = f"pdf/{standard_id}.pdf"
    if downloads is None or not (downloads / path).is_file():
        return []
    return [("下载 PDF 版次", path)]
