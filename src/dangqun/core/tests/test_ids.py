"""Ids from text people and programs send: "²" passes ``str.isdigit`` but not ``int``, and a number
beyond a bigint fails the database lookup; both were 500s."""

import pytest

from dangqun.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), (3, 3), (str(MAX_ID), MAX_ID)],
)
def test_an_id_is_read(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", None, "0", "-3", "²", "١٢", "1.5", "x", "1e3", str(MAX_ID + 1), "9" * 40]
)
def test_anything_else_is_no_id(raw):
    assert parse_id(raw) is None
