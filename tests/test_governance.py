"""Repository governance files: valid for GitHub (check-jsonschema's vendored schemas,
offline) and saying what the review process needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = [
    GITHUB / "ISSUE_TEMPLATE" / "pilot-feedback.yml",
    GITHUB / "ISSUE_TEMPLATE" / "change-request.yml",
]


def lint(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-issue-forms", FORMS),
        ("vendor.github-issue-config", [GITHUB / "ISSUE_TEMPLATE" / "config.yml"]),
    ],
)
def test_github_files_are_valid(schema: str, files: list[Path]) -> None:
    assert files
    done = lint(schema, *files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_linter_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: true\n", encoding="utf-8")
    done = lint("vendor.github-workflows", broken)
    assert done.returncode == 1
    assert "runs-on" in done.stdout


def _runs(workflow: str) -> list[str]:
    data = yaml.safe_load((GITHUB / "workflows" / workflow).read_text(encoding="utf-8"))
    return [step.get("run", "") for job in data["jobs"].values() for step in job["steps"]]


def test_pull_requests_run_checks_build_and_report_the_bump() -> None:
    runs = "\n".join(_runs("pull-request.yml"))
    assert "bash .ci/run" in runs  # pre-commit + tests, exactly as locally
    assert "infostd build" in runs
    assert 'infostd diff "origin/$BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs


def test_tags_publish_versioned_portal_and_downloads() -> None:
    data = yaml.safe_load((GITHUB / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert data[True]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]  # YAML 1.1 reads `on` as True
    runs = "\n".join(_runs("release.yml"))
    assert "infostd build" in runs
    assert 'mike deploy --push --update-aliases "$version" latest' in runs
    uploads = [
        s for s in data["jobs"]["release"]["steps"] if "action-gh-release" in s.get("uses", "")
    ]
    assert "site/downloads/SHA256SUMS" in uploads[0]["with"]["files"]


def test_pull_request_template_mirrors_the_review() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for item in ("专项小组评审", "法务审核", "管理层批准", "对现有台账的影响", "infostd diff"):
        assert item in text
    for level in ("主版本（major）", "次版本（minor）", "修订（patch）"):
        assert level in text


def test_issue_forms_for_pilot_feedback_and_change_requests() -> None:
    names = {yaml.safe_load(f.read_text(encoding="utf-8"))["name"] for f in FORMS}
    assert names == {"试点反馈", "变更申请"}
