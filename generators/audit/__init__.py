"""Current-state diagnosis of departments' ledgers against the standards
(issue 8): read messy ledgers, map their columns and values onto a standard
record, profile conformance, find conflicts across ledgers, and migrate.

Library API: ``audit(catalog, paths, …) -> AuditResult``, ``migrate(…)`` in
``migrate.py``, reports in ``report.py``. The CLI only calls these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Catalog
from .grid import LedgerReadError
from .ledger import LedgerTable, read_ledger
from .mapping import LedgerMapping, MappingError, known_headers, propose
from .profile import Conflict, LedgerProfile, Progress, find_conflicts, profile_ledger


@dataclass
class AuditResult:
    ledgers: list[LedgerProfile]
    conflicts: list[Conflict]
    notes: list[str] = field(default_factory=list)

    @property
    def mappings(self) -> list[LedgerMapping]:
        return [ledger.mapping for ledger in self.ledgers]


def read_tables(catalog: Catalog, paths: Sequence[Path]) -> tuple[list[LedgerTable], list[str]]:
    known = known_headers(catalog)
    tables, notes = [], []
    for path in paths:
        found, why = read_ledger(Path(path), known)
        tables += found
        notes += why
    return tables, notes


def mapping_for(
    catalog: Catalog,
    table: LedgerTable,
    mappings: Sequence[LedgerMapping] | None,
    record: str | None,
) -> tuple[LedgerMapping | None, list[str]]:
    """The reviewed mapping for a table when the mapping file has one, else a proposal."""
    notes = []
    if mappings:
        chosen = next((m for m in mappings if m.matches(table)), None)
        if chosen is not None:
            if record and chosen.record != record:
                raise MappingError(
                    f"{table.name}: 映射文件对应记录 {chosen.record}，与 --record {record} 不一致"
                )
            return chosen, notes
        notes.append(f"{table.name}: 映射文件中没有该台账，已自动提议映射")
    proposal = propose(catalog, table, record)
    if proposal is None:
        notes.append(f"{table.name}: 未能对应到任何标准记录（可用 --record 指定），已跳过")
    return proposal, notes


def audit(
    catalog: Catalog,
    paths: Sequence[Path],
    *,
    record: str | None = None,
    mappings: Sequence[LedgerMapping] | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    if record is not None and record not in catalog.records:
        raise MappingError(f"未知记录“{record}”（可用：{'、'.join(catalog.records)}）")
    tables, notes = read_tables(catalog, paths)
    if not tables:
        raise LedgerReadError("未在台账中找到表头和数据行：" + "；".join(notes))
    profiles = []
    for table in tables:
        mapping, why = mapping_for(catalog, table, mappings, record)
        notes += why
        if mapping is None:
            continue
        for column in mapping.columns:
            if mapping.columns[column] and column not in table.columns:
                notes.append(f"{table.name}: 映射文件中的列“{column}”在台账中不存在")
        for column in table.columns:
            if mapping.reviewed and column not in mapping.columns:
                notes.append(f"{table.name}: 列“{column}”不在映射文件中，按不迁移处理")
        profiles.append(profile_ledger(catalog, table, mapping, progress))
    return AuditResult(profiles, find_conflicts(catalog, profiles), notes)
