"""How personal data shows wherever infostd shows it (《信息存储与安全管理办法》 11.3).

A field marked ``x-sensitive`` names its mask kind (``{"level": "personal", "mask":
"mobile"}``); the short form ``"personal"`` takes the kind its format implies, else
``partial``. One function, :func:`mask`, is used by the validator's reports (text,
JSON, xlsx), the audit reports, and — ported line by line — by both generated
validators and so the 在线校验 page. Lengths are counted in code points, as the
JavaScript port does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

STAR = "*"


def _partial(text: str) -> str:
    """Any other text: ⌈n/3⌉ characters kept in front, ⌊(n+1)/4⌋ at the end."""
    n = len(text)
    if n <= 2:
        return STAR * n
    if n <= 6:
        return text[0] + STAR * (n - 2) + text[-1]
    head, tail = (n + 1) // 3, (n + 1) // 4
    return text[:head] + STAR * (n - head - tail) + text[n - tail :]


def _keep(text: str, head: int, tail: int) -> str:
    """``head`` characters in front and ``tail`` at the end; a value too short to
    hide anything that way falls back to the generic mask."""
    n = len(text)
    if n <= head + tail:
        return _partial(text)
    return text[:head] + STAR * (n - head - tail) + text[n - tail :]


def _name(text: str) -> str:
    """姓名保留姓氏: 张三 → 张*, 欧阳娜娜 → 欧***."""
    return text[:1] + STAR * (len(text) - 1) if len(text) > 1 else STAR * len(text)


def _mobile(text: str) -> str:
    """手机号保留前 3 位和后 4 位: 13800138000 → 138****8000."""
    return _keep(text, 3, 4)


def _id_number(text: str) -> str:
    """证件号码保留前 6 位和后 4 位."""
    return _keep(text, 6, 4)


def _bank_account(text: str) -> str:
    """银行账号只显示后 4 位."""
    return STAR * (len(text) - 4) + text[-4:] if len(text) > 4 else STAR * len(text)


def _email(text: str) -> str:
    """电子邮箱隐藏 @ 前除首字符外的部分: zhang.san@example.com → z********@example.com."""
    at = text.rfind("@")
    if at <= 0:
        return _partial(text)
    return text[0] + STAR * (at - 1) + text[at:]


MASKS: dict[str, Callable[[str], str]] = {
    "name": _name,
    "mobile": _mobile,
    "id-number": _id_number,
    "bank-account": _bank_account,
    "email": _email,
    "partial": _partial,
}

# What each kind is called on the portal and in templates.
MASK_LABELS = {
    "name": "姓名：保留姓氏",
    "mobile": "手机号：保留前 3 位和后 4 位",
    "id-number": "证件号码：保留前 6 位和后 4 位",
    "bank-account": "银行账号：只显示后 4 位",
    "email": "电子邮箱：隐藏 @ 前除首字符外的部分",
    "partial": "保留首尾少量字符",
}

# The kind a short ``x-sensitive: "personal"`` takes from the field's format.
_BY_FORMAT = {"cn-mobile": "mobile", "email": "email", "cn-resident-id": "id-number"}


def mask(text: str, kind: str | None = "partial") -> str:
    """``text`` as reports show it for a field of mask ``kind``."""
    return MASKS.get(kind or "partial", _partial)(text)


def mask_kind(raw: Any, fmt: str | None) -> str | None:
    """The mask kind of a field from its ``x-sensitive`` value and format; None when
    the field is not sensitive."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        return str(raw["mask"])
    return _BY_FORMAT.get(fmt or "", "partial")


def sensitivity(raw: Any) -> str | None:
    """The level ("personal" | "sensitive-personal") of an ``x-sensitive`` value."""
    return str(raw["level"]) if isinstance(raw, dict) else raw
