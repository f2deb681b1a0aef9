"""Self-hosted GitLab: `.gitlab-ci.yml` valid (check-jsonschema's vendored GitLab CI schema)
and equivalent to the GitHub workflows; `.gitlab/CODEOWNERS` with one required section per
reviewing department, generated and checked like `.github/CODEOWNERS`."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generators.config import load_config
from generators.loader import load_catalog
from generators.release.gitlab import SECTION_RE, render, section_name
from tests.conftest import REPO
from tests.test_codeowners import infostd
from tests.test_codeowners import project as project  # noqa: F401
from tests.test_governance import _runs, lint

CI = REPO / ".gitlab-ci.yml"
CODEOWNERS = REPO / ".gitlab" / "CODEOWNERS"
TAG_RULE = "$CI_COMMIT_TAG =~ /^v[0-9]+\\.[0-9]+\\.[0-9]+$/"


def test_gitlab_ci_is_valid_and_a_broken_one_is_rejected(tmp_path: Path) -> None:
    done = lint("vendor.gitlab-ci", CI)
    assert done.returncode == 0, done.stdout + done.stderr
    data = yaml.safe_load(CI.read_text(encoding="utf-8"))
    data["check"]["script"] = 42
    data["release"]["when"] = "sometimes"
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = lint("vendor.gitlab-ci", broken)
    assert done.returncode == 1, done.stdout


def _scripts(job: dict) -> str:
    return "\n".join(job.get("script", []))


def test_gitlab_pipeline_does_what_the_github_workflows_do() -> None:
    data = yaml.safe_load(CI.read_text(encoding="utf-8"))
    assert data["variables"]["GIT_DEPTH"] == "0"  # tags and history, like fetch-depth: 0
    check, release = _scripts(data["check"]), _scripts(data["release"])
    github_pr = "\n".join(_runs("pull-request.yml"))
    github_release = "\n".join(_runs("release.yml"))
    for command in ("bash .ci/run", "infostd build", "infostd diff --format markdown"):
        assert command in github_pr and command in check, command
    assert 'infostd diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --format markdown' in check
    for command in ("bash .ci/run", "infostd build", "git tag -l --format='%(contents)'"):
        assert command in github_release and command in release, command
    assert "SHA256SUMS" in release and "infostd-downloads-$CI_COMMIT_TAG.tar.gz" in release
    for job in ("release", "pages", "gitlab-release"):
        assert data[job]["rules"][0]["if"] == TAG_RULE, job
    assert data["gitlab-release"]["release"]["description"] == "./release-notes.md"
    assert data["check"]["artifacts"]["expose_as"] == "标准变更报告"


def test_shipped_codeowners_sections_require_each_department() -> None:
    text = CODEOWNERS.read_text(encoding="utf-8")
    catalog = load_catalog(config=load_config(REPO))
    config = load_config(REPO)
    assert text == render(catalog, config)  # generated, in sync (`infostd check` too)
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            match = SECTION_RE.match(line)
            assert match, line  # GitLab's `[name][approvals] @owner` syntax
            assert match["count"] == "1" and match["owner"] in config.teams.values()
            current = match["name"]
            sections[current] = []
        else:
            assert current is not None and re.fullmatch(r"/\S+", line), line
            assert (REPO / line.lstrip("/")).is_file(), line
            sections[current].append(line)
    for standard in catalog.standards:
        path = f"/standards/{standard.path.as_posix()}"
        for code in [standard.owner, *standard.reviewers]:
            if code:
                assert path in sections[section_name(catalog, code)], (standard.id, code)
    assert "/standards/records/customer.md" in sections["法务部"]


def test_codeowners_writes_and_checks_the_gitlab_file(project: Path) -> None:  # noqa: F811
    infostd(project, "codeowners")
    text = (project / ".gitlab" / "CODEOWNERS").read_text(encoding="utf-8")
    # one section per department, named by its title in the department code list
    assert "[法务部][1] @corp/legal\n/standards/records/customer.md\n" in text
    assert "[销售部][1] @corp/sales\n/standards/records/customer.md\n" in text
    infostd(project, "check")
    (project / ".gitlab" / "CODEOWNERS").write_text(text.replace("[法务部][1]", "[法务部][0]"))
    stale = infostd(project, "check", code=1)
    assert ".gitlab/CODEOWNERS:1: 与标准的 owner/reviewers 不一致，请运行：infostd codeowners" in (
        stale.output
    )
    assert ".github/CODEOWNERS" not in stale.output


def test_a_department_title_that_breaks_the_syntax_falls_back_to_its_code() -> None:
    catalog = load_catalog(config=load_config(REPO))
    departments = catalog.codelists["department-code"]
    entry = departments.by_code["FW01"]
    original = entry.title
    try:
        object.__setattr__(entry, "title", "法务部][0] @evil")
        assert section_name(catalog, "FW01") == "FW01"
    finally:
        object.__setattr__(entry, "title", original)
