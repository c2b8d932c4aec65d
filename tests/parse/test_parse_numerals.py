"""Chinese, mixed and full-width numerals."""

from __future__ import annotations

import pytest

from bot.parse.numerals import to_int
from bot.parse.text import normalise


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("12", 12),
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十六", 26),
        ("三百", 300),
        ("一百零五", 105),
        ("两千", 2000),
        ("两", 2),
        ("廿", 20),
        ("廿五", 25),
        ("卅", 30),
        ("1百", 100),
        ("3百5十", 350),
        ("二〇二六", 2026),
        ("〇", 0),
        ("零", 0),
        ("一万二千", 12000),
        ("百", 100),
    ],
)
def test_numerals_are_read(numeral: str, value: int) -> None:
    assert to_int(numeral) == value


def test_non_numerals_give_none() -> None:
    assert to_int("几") is None
    assert to_int("") is None


def test_full_width_digits_are_folded() -> None:
    assert normalise("１２月３日 ＱＱ") == "12月3日 qq"
    assert to_int(normalise("３６")) == 36
