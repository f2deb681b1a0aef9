"""The column-wise fast path (polars). Placeholder until the engine lands: never used."""

from __future__ import annotations

from ..model import Catalog
from .readers import Table


def fast_supported(catalog: Catalog, table: Table) -> bool:
    return False


def fast_engine(*args, **kwargs):  # pragma: no cover - unreachable while unsupported
    raise NotImplementedError
