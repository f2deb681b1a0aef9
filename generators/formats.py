"""Custom formats, implemented once (DESIGN §3).

Each checker takes a string and returns ``None`` when it is valid or a short
reason key (``"length"``, ``"charset"``, ``"check-digit"``, …) that reports turn
into a message. The validator, the exported JSON Schema format checker and
the code generators all call these functions or port them line by line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from jsonschema import FormatChecker

# GB 32100-2015: 18 characters from this 31-character set (no I, O, Z, S, V).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")

# Mainland mobile numbers: 11 digits, 1 then 3–9 (MIIT numbering plan).
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")

# International numbers as ITU-T E.164 writes them: "+", a country code (no leading 0),
# 7 to 15 digits in all, no spaces (so one number has one spelling).
INTL_PHONE_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")

# Web addresses people give for an organisation: http(s), a host name with a dot (or an
# IPv4 address), an optional port, then anything without spaces.
URL_RE = re.compile(
    r"^https?://"
    r"(?:[A-Za-z0-9\u4e00-\u9fff](?:[A-Za-z0-9\u4e00-\u9fff-]{0,61}[A-Za-z0-9\u4e00-\u9fff])?\.)+"
    r"[A-Za-z\u4e00-\u9fff]{2,63}"
    r"(?::[0-9]{1,5})?(?:[/?#].*)?$"
)
URL_IPV4_RE = re.compile(r"^https?://(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?::[0-9]{1,5})?(?:[/?#].*)?$")

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# RFC 3339, plus the local form people type ("2026-03-01 10:00[:00]"), read as +08:00.
DATETIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def check_uscc(value: str) -> str | None:
    if len(value) != 18:
        return "length"
    if not USCC_RE.match(value):
        return "charset"
    if uscc_check_char(value[:17]) != value[17]:
        return "check-digit"
    return None


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def check_resident_id(value: str) -> str | None:
    if len(value) != 18:
        return "length"
    if not RESIDENT_ID_RE.match(value):
        return "charset"
    if parse_date(f"{value[6:10]}-{value[10:12]}-{value[12:14]}") is None:
        return "birth-date"
    if resident_id_check_char(value[:17]) != value[17]:
        return "check-digit"
    return None


def check_mobile(value: str) -> str | None:
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        return "length" if value.isascii() and value.isdigit() else "charset"
    return None if MOBILE_RE.match(value) else "prefix"


def check_intl_phone(value: str) -> str | None:
    if not value.startswith("+"):
        return "plus"
    digits = value[1:]
    if not digits.isascii() or not digits.isdigit():
        return "charset"
    return None if INTL_PHONE_RE.match(value) else "length"


def check_url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return "scheme"
    if any(c.isspace() for c in value):
        return "space"
    if not (URL_RE.match(value) or URL_IPV4_RE.match(value)):
        return "host"
    return None


def check_email(value: str) -> str | None:
    return None if EMAIL_RE.match(value) else "syntax"


def parse_date(value: str) -> dt.date | None:
    if not DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str) -> dt.datetime | None:
    """RFC 3339 date-time, or local "YYYY-MM-DD HH:MM[:SS]" taken as China time."""
    m = DATETIME_RE.match(value)
    if not m or parse_date(m.group(1)) is None:
        return None
    text = value.replace(" ", "T", 1)
    if m.group(5) is None:
        text += "+08:00"
    if m.group(4) is None:
        text = text[:16] + ":00" + text[16:]
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def check_date(value: str) -> str | None:
    return None if parse_date(value) else "syntax"


def check_datetime(value: str) -> str | None:
    return None if parse_datetime(value) else "syntax"


FORMAT_CHECKERS: dict[str, Callable[[str], str | None]] = {
    "cn-uscc": check_uscc,
    "cn-resident-id": check_resident_id,
    "cn-mobile": check_mobile,
    "intl-phone": check_intl_phone,
    "email": check_email,
    "url": check_url,
    "date": check_date,
    "date-time": check_datetime,
}


def format_checker() -> FormatChecker:
    """A jsonschema FormatChecker that knows exactly our formats."""
    checker = FormatChecker(formats=())
    for name, check in FORMAT_CHECKERS.items():

        def _check(instance: object, _check: Callable[[str], str | None] = check) -> bool:
            return not isinstance(instance, str) or _check(instance) is None

        checker.checks(name)(_check)
    return checker
