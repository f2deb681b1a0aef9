"""Project settings from ``[tool.infostd]`` in ``pyproject.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InfostdError
from .model import display_path

DEFAULT_BASE_URL = "https://standards.example.com/schemas"


class ConfigError(InfostdError):
    """pyproject.toml cannot be read (exit 2)."""


@dataclass(frozen=True)
class Config:
    root: Path  # the repository: where pyproject.toml is
    base_url: str = DEFAULT_BASE_URL
    standards_dir: str = "standards"
    schemas_dir: str = "schemas"
    programme_dir: str = "programme"  # the programme's own records (issue 16)
    teams: dict[str, str] = field(default_factory=dict)  # department code → review team handle
    repo_url: str = ""
    # Where readers report a problem: "mailto:…" or an intranet tracker URL whose {standard},
    # {title}, {version}, {page} are filled in (portal/pages.PortalContext.feedback_url).
    feedback: str = ""
    standard_prefix: str = ""  # enterprise-standard number prefix, e.g. "Q/XXX" (releases)

    @property
    def standards(self) -> Path:
        return self.root / self.standards_dir

    @property
    def schemas(self) -> Path:
        return self.root / self.schemas_dir

    @property
    def programme(self) -> Path:
        return self.root / self.programme_dir


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a pyproject.toml that has [tool.infostd]."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _mentions_infostd(candidate):
            return folder
    return start


def _mentions_infostd(path: Path) -> bool:
    """[tool.infostd] is there; a file that does not parse counts when its text names the
    table, so that ``load_config`` reports the mistake instead of skipping the project."""
    try:
        return "infostd" in _read(path).get("tool", {})
    except ConfigError:
        return "[tool.infostd" in path.read_text(encoding="utf-8", errors="replace")


def load_config(root: Path | None = None) -> Config:
    root = (root or find_root(Path.cwd())).resolve()
    pyproject = root / "pyproject.toml"
    settings = _read(pyproject).get("tool", {}).get("infostd", {}) if pyproject.is_file() else {}
    return Config(
        root=root,
        base_url=settings.get("base_url", DEFAULT_BASE_URL),
        standards_dir=settings.get("standards_dir", "standards"),
        schemas_dir=settings.get("schemas_dir", "schemas"),
        programme_dir=settings.get("programme_dir", "programme"),
        teams=dict(settings.get("teams", {})),
        repo_url=settings.get("repo_url", ""),
        feedback=_feedback(pyproject, settings.get("feedback", "")),
        standard_prefix=str(settings.get("standard_prefix", "")),
    )


def _feedback(pyproject: Path, value: object) -> str:
    """``feedback`` must be a mail address (mailto:) or a web address; anything else would
    become a link that goes nowhere."""
    if not isinstance(value, str) or (
        value and not re.match(r"^(mailto:[^\s@]+@[^\s@]+|https?://[^\s]+)$", value)
    ):
        raise ConfigError(
            f"{display_path(pyproject)}: [tool.infostd] feedback 应为 mailto:地址 或 http(s):// 网址"
        )
    return value


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display_path(path)}: 无法读取（不是 UTF-8 文本或无权限）") from exc
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = found.group(1) if found else "1"
        raise ConfigError(f"{display_path(path)}:{line}: TOML 格式错误（{exc}）") from exc
