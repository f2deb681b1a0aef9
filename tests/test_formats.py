"""cn-uscc, cn-resident-id, cn-mobile and dates: values computed from the standards' algorithms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generators.formats import (
    USCC_CHARSET,
    check_datetime,
    check_intl_phone,
    check_mobile,
    check_resident_id,
    check_url,
    check_uscc,
    format_checker,
    parse_datetime,
    resident_id_check_char,
    uscc_check_char,
)

# Published examples whose check digits are known independently of our code.
KNOWN_USCC = ["91350100M000100Y43", "91110000600037341L"]
KNOWN_RESIDENT_IDS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("value", KNOWN_USCC)
def test_known_uscc_are_valid(value: str) -> None:
    assert check_uscc(value) is None


def test_uscc_check_digit_by_hand() -> None:
    # The example printed in GB 32100-2015; check = (31 - Σ(value × weight) mod 31) mod 31.
    first17 = "91350100M000100Y4"
    total = sum(
        USCC_CHARSET.index(c) * w
        for c, w in zip(
            first17, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), strict=True
        )
    )
    assert uscc_check_char(first17) == USCC_CHARSET[(31 - total % 31) % 31] == "3"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100M000100Y44", "check-digit"),
        ("91350100M00010OY43", "charset"),  # letter O is not in the charset
        ("9135010AM000100Y43", "charset"),  # region part must be digits
        ("91350100m000100y43", "charset"),  # lower case is not accepted
        ("", "length"),
    ],
)
def test_invalid_uscc(value: str, reason: str) -> None:
    assert check_uscc(value) == reason


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_every_computed_uscc_check_digit_validates(first17: str) -> None:
    value = first17 + uscc_check_char(first17)
    if value[2:8].isdigit():
        assert check_uscc(value) is None
        wrong = next(c for c in USCC_CHARSET if c != value[17])
        assert check_uscc(value[:17] + wrong) == "check-digit"


@pytest.mark.parametrize("value", KNOWN_RESIDENT_IDS)
def test_known_resident_ids(value: str) -> None:
    assert check_resident_id(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check-digit"),
        ("110105194902300028", "birth-date"),  # 30 February
        ("11010519491231002", "length"),
        ("01010519491231002X", "charset"),  # cannot start with 0
        ("1101051949123100x2", "charset"),
    ],
)
def test_invalid_resident_ids(value: str, reason: str) -> None:
    assert check_resident_id(value) == reason


def test_resident_id_leap_day() -> None:
    first17 = "11010520000229002"
    assert check_resident_id(first17 + resident_id_check_char(first17)) is None
    first17 = "11010519000229002"  # 1900 was not a leap year
    assert check_resident_id(first17 + resident_id_check_char(first17)) == "birth-date"


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15000000000"])
def test_valid_mobiles(value: str) -> None:
    assert check_mobile(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12800138000", "prefix"),
        ("1380013800", "length"),
        ("138001380000", "length"),
        ("1380013800a", "charset"),
        ("１３８００１３８０００", "charset"),
    ],
)
def test_invalid_mobiles(value: str, reason: str) -> None:
    assert check_mobile(value) == reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("+85291234567", None),
        ("+8613800138000", None),
        ("85291234567", "plus"),
        ("+852 9123 4567", "charset"),
        ("+852-91234567", "charset"),
        ("+", "charset"),
        ("+0852912345", "length"),
        ("+123456", "length"),
        ("+1234567890123456", "length"),
    ],
)
def test_international_phone_numbers(value: str, reason: str | None) -> None:
    assert check_intl_phone(value) == reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("https://www.example.com", None),
        ("http://example.com.cn/about?x=1#top", None),
        ("https://云图.中国", None),
        ("http://10.1.2.3:8080/", None),
        ("www.example.com", "scheme"),
        ("HTTPS://example.com", "scheme"),
        ("ftp://example.com", "scheme"),
        ("https://example .com", "space"),
        ("https://example.com/\u3000", "space"),
        ("https://localhost", "host"),
        ("https://-bad.com", "host"),
        ("https://", "host"),
    ],
)
def test_urls(value: str, reason: str | None) -> None:
    assert check_url(value) == reason


def test_datetimes_people_type() -> None:
    assert parse_datetime("2026-03-01 10:00") == parse_datetime("2026-03-01T10:00:00+08:00")
    assert parse_datetime("2026-03-01T02:00:00Z") == parse_datetime("2026-03-01 10:00:00")
    assert check_datetime("2026-02-30 10:00") == "syntax"
    assert check_datetime("2026/03/01 10:00") == "syntax"


def test_format_checker_knows_our_formats() -> None:
    checker = format_checker()
    assert checker.conforms("91350100M000100Y43", "cn-uscc")
    assert not checker.conforms("91350100M000100Y44", "cn-uscc")
    assert not checker.conforms("2026-13-01", "date")
    assert checker.conforms(12, "cn-mobile")  # formats only constrain strings
