"""infostd build: downloads, checksums, atomic replacement of the output folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from generators.cli import cli


def test_build_writes_schemas_and_checksums(mini_project: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "build"])
    assert result.exit_code == 0, result.output
    downloads = mini_project / "site" / "downloads"
    assert (downloads / "schemas" / "customer.schema.json").is_file()
    sums = (downloads / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums, "checksums must list the artifacts"
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((downloads / name).read_bytes()).hexdigest() == digest


def test_failed_build_keeps_previous_site(mini_project: Path) -> None:
    site = mini_project / "site"
    site.mkdir()
    (site / "keep.txt").write_text("旧站点", encoding="utf-8")
    broken = mini_project / "standards" / "records" / "customer.md"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace('"title": "客户信息",', '"title": 1,'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--root", str(mini_project), "build"])
    assert result.exit_code == 1
    assert (site / "keep.txt").read_text(encoding="utf-8") == "旧站点"
    assert not [p for p in mini_project.iterdir() if p.name.startswith(".site")]
