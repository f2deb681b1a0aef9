"""Downloadable validators generated from the one catalog (issue: codegen).

``generate(catalog, config, out_dir)`` writes ``infostd_validators.py`` (standard
library only) and ``infostd-validators.mjs`` (no dependencies, Node 20 and
browsers). Both are rendered from the one check plan (:mod:`generators.checkplan`) with jinja2 templates; the
check-digit code and rule registry are ports of ``formats.py``/``rules.py`` and
the messages come from the validator's one message catalog. Output is
deterministic: same catalog and version, same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from .. import limits as _limits
from ..checkplan import Plan, plan_for
from ..codelist_export import HEADERS as CODELIST_HEADERS
from ..config import Config
from ..fsutil import atomic_write_text
from ..model import Catalog
from ..version import project_version

PYTHON_MODULE = "infostd_validators.py"
JS_MODULE = "infostd-validators.mjs"
TEMPLATES = Path(__file__).parent / "templates"


def py_literal(value: Any) -> str:
    """A Python literal for plain data (dicts keep their order, so output is stable)."""
    if isinstance(value, tuple):
        return "(" + "".join(py_literal(v) + ", " for v in value).rstrip(" ") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def js_literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def js_pattern(pattern: str) -> str:
    """A ``pattern`` for JavaScript that matches what Python's ``re.search`` matches: a
    final ``$`` in Python also matches before a trailing newline."""
    backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    if pattern.endswith("$") and backslashes % 2 == 0:
        pattern = pattern[:-1] + "(?=\\n?$)"
    return js_literal(pattern)


def comment_text(value: object) -> str:
    """Text safe inside a one-line comment or docstring of either language."""
    text = " ".join(str(value).split())
    return text.replace("\\", "/").replace('"' * 3, "'" * 3).replace("*/", "* /")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        py=py_literal,
        js=js_literal,
        js_pattern=js_pattern,
        comment=comment_text,
        all_strings=lambda values: all(isinstance(v, str) for v in values),
    )
    return env


# The reader limits the generated modules enforce, with the reference's words (limits.py).
LIMITS = {
    name: {"value": limit.value, "what": limit.what}
    for name, limit in _limits.LIMITS.items()
    if name in ("cell_chars", "number_digits", "json_depth", "xlsx_bytes", "xlsx_cells")
}


def render(plan: Plan) -> dict[str, str]:
    """File name → generated source text."""
    env = environment()
    return {
        name: env.get_template(name + ".j2").render(
            plan=plan, limits=LIMITS, codelist_header=CODELIST_HEADERS
        )
        for name in (PYTHON_MODULE, JS_MODULE)
    }


def generate(
    catalog: Catalog,
    config: Config,
    out_dir: Path,
    messages: dict[str, dict[str, str]] | None = None,
) -> list[Path]:
    """Write both modules into ``out_dir`` (``site/downloads/validators``)."""
    files = render(plan_for(catalog, project_version(config.root), messages))
    written = []
    for name, text in files.items():
        atomic_write_text(out_dir / name, text)
        written.append(out_dir / name)
    return written
