"""SQL from the one check plan: DDL per dialect (``ddl.py``) and validation in place
on DuckDB, PostgreSQL and Spark (``inplace.py`` over ``engines.py``), all rendered
with sqlglot from ``generators.checkplan`` (``expr.py`` turns plan nodes into SQL)."""
