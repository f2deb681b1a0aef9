"""Code-list safety across releases: a published code keeps its meaning.

Data in every department's systems carries codes; deleting a code or giving it to
something else silently changes the meaning of old rows. ``infostd check`` compares
each code list with the last release (the newest ``vX.Y.Z`` tag reachable from HEAD,
loaded by the one loader from ``git archive``): a code may leave the list, or change
its name, only when it was already retired in that release: deprecated, or given a
withdrawal date (``x-withdrawn``, the way to retire a code on a known day). A rename that
keeps the meaning records the old name in ``x-aliases`` (the audit maps old ledgers with
it). Also here: examples that use a retired code, a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .errors import InfostdError, ProblemsError
from .jsonpos import line_of
from .model import Catalog, Location, Schema, StandardError


@dataclass(frozen=True)
class Baseline:
    """The catalog a change is measured against, and what to call it in messages."""

    name: str  # "v1.2.0"
    catalog: Catalog


def last_release(config: Config) -> Baseline | None:
    """The catalog of the last release tag; None outside git or before the first release."""
    from .release import catalog_at, previous_release

    try:
        version, ref = previous_release(config)
    except InfostdError:
        return None  # not a git repository: nothing was released from here
    if version is None or ref is None:
        return None
    try:
        return Baseline(version.tag, catalog_at(config, ref))
    except InfostdError as exc:  # e.g. written before a check that is stricter today
        raise BaselineUnreadable(f"未能与 {version.tag} 比较代码变更：{exc}") from None


class BaselineUnreadable(InfostdError):
    """The last release cannot be read by today's loader; check warns and goes on."""


def schema_location(catalog: Catalog, schema: Schema, *path: str | int) -> Location:
    """The line of a JSON path inside a schema block, from the standard's source."""
    standard = catalog.standard_of(schema)
    lines = standard.source.splitlines()
    text = "\n".join(lines[schema.location.line : schema.end_line - 1])
    try:
        return Location(schema.location.path, schema.location.line + 1 + line_of(text, path))
    except (KeyError, ValueError, IndexError):
        return schema.location


def code_changes(baseline: Baseline, catalog: Catalog) -> list[StandardError]:
    """Codes of ``baseline`` that were deleted or given another name without having
    been retired there first (deprecated or withdrawn)."""
    problems = []
    for key, old_list in baseline.catalog.codelists.items():
        schema = catalog.schemas.get(key)
        if schema is None or schema.codelist is None:
            continue  # a removed list is a major change for `infostd diff`, not a code reuse
        new = schema.codelist.by_code
        for entry in old_list.entries:
            if entry.retired:
                continue
            if entry.code not in new:
                problems.append(
                    StandardError(
                        schema_location(catalog, schema, "oneOf"),
                        f"代码表 {key} 删除了代码 {entry.label}（{baseline.name} 中有效）："
                        '已发布的代码不得删除，请保留并标记 "deprecated": true'
                        '（infostd deprecate），或以 "x-withdrawn" 写明撤销日期',
                    )
                )
                continue
            now = new[entry.code]
            if now.title != entry.title and entry.title not in now.aliases:
                index = schema.codelist.entries.index(now)
                problems.append(
                    StandardError(
                        schema_location(catalog, schema, "oneOf", index, "title"),
                        f"代码 {entry.code} 的名称由“{entry.title}”改为“{now.title}”"
                        f"（{baseline.name} 中有效）：已发布的代码不得重新分配给其他对象；"
                        f'若只是更名，请在该项加 "x-aliases": ["{entry.title}"]',
                    )
                )
    return problems


def deprecated_in_examples(catalog: Catalog) -> list[StandardError]:
    """Warnings: examples teach by copying, so they should not use retired codes."""
    warnings = []
    for schema in catalog.records.values():
        for index, example in enumerate(schema.examples):
            for f in schema.fields:
                codelist = catalog.codelists.get(f.codelist or "")
                entry = codelist.by_code.get(example.get(f.key)) if codelist else None
                if entry is not None and entry.retired:
                    state = f"定于 {entry.withdrawn} 撤销" if entry.withdrawn else "已停用"
                    warnings.append(
                        StandardError(
                            schema_location(catalog, schema, "examples", index, f.key),
                            f"警告：示例 {index + 1} 的 {f.key} 使用了{state}的代码 {entry.label}",
                        )
                    )
    return warnings


def check(catalog: Catalog, config: Config, warn) -> None:
    """``infostd check``'s part: refuse reused codes (ProblemsError), warn about the rest."""
    try:
        baseline = last_release(config)
    except BaselineUnreadable as exc:
        baseline = None
        warn(f"警告：{exc}")
    if baseline is not None and (problems := code_changes(baseline, catalog)):
        raise ProblemsError(problems)
    for warning in deprecated_in_examples(catalog):
        warn(str(warning))
