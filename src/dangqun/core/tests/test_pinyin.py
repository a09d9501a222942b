"""Pinyin search keys: initials and full spelling, every reading of a polyphonic surname."""

import pytest

from dangqun.core.pinyin import search_key


def keys(name):
    return search_key(name).split()


def test_initials_and_full_spelling():
    assert {"zs", "zhangsan"} <= set(keys("张三"))
    assert search_key("张三").startswith(" ")


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        ("单雄信", [("dxx", "danxiongxin"), ("sxx", "shanxiongxin")]),
        ("曾国藩", [("cgf", "cengguofan"), ("zgf", "zengguofan")]),
        # a polyphonic given name must not crowd out the surname's second reading
        ("单长乐", [("dcl", "danchangle"), ("scl", "shanchangle")]),
        ("曾乐乐", [("zll", "zenglele"), ("cll", "cenglele")]),
    ],
)
def test_polyphonic_surname_found_by_every_reading(name, readings):
    found = set(keys(name))
    for initials, full in readings:
        assert initials in found, (name, initials, found)
        assert full in found, (name, full, found)


def test_empty_name_has_no_key():
    assert search_key("") == ""
    assert search_key("   ") == ""
