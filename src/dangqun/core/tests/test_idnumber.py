"""公民身份号码 (GB 11643-1999): check character, dates, gender, masking."""

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dangqun.core import idnumber
from dangqun.core.idnumber import CHECK_CHARS, IdNumberError, check_char, mask, parse

CHECK_ALPHABET = "0123456789X"


@st.composite
def bodies(draw):
    """17 characters: a region code, a real birth date between 1900 and today, a sequence number."""
    region = draw(st.from_regex(r"\A[1-9][0-9]{5}\Z"))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    sequence = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return f"{region}{birth:%Y%m%d}{sequence}", birth


@st.composite
def valid_numbers(draw):
    body, birth = draw(bodies())
    return body + check_char(body), birth


@given(bodies())
def test_every_valid_body_has_exactly_one_accepted_check_char(case):
    body, birth = case
    accepted = []
    for char in CHECK_ALPHABET:
        try:
            parse(body + char)
        except IdNumberError:
            continue
        accepted.append(char)
    assert accepted == [check_char(body)]
    assert parse(body + accepted[0]).birth_date == birth


@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from(CHECK_ALPHABET))
def test_any_single_character_change_is_rejected(case, position, replacement):
    number, _ = case
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdNumberError):
        parse(changed)


@given(valid_numbers())
def test_birth_date_and_gender_come_from_the_number(case):
    number, birth = case
    parsed = parse(number)
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if int(number[16]) % 2 else "F")
    assert parsed.value == number


def test_known_numbers():
    parsed = parse("11010519491231002X")
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parse("110105199001011232").gender == "M"


def test_lower_case_x_and_spaces_are_normalised():
    assert parse(" 11010519491231002x ").value == "11010519491231002X"


def test_full_width_characters_typed_with_a_chinese_input_method_are_normalised():
    assert parse("１１０１０５１９４９１２３１００２Ｘ").value == "11010519491231002X"


def test_digits_of_other_scripts_are_refused():
    # "៥" is a Khmer digit 5: Python's int() accepts it, a 公民身份号码 must not.
    with pytest.raises(IdNumberError, match="前 17 位应为数字"):
        parse("1៥0000200001010008")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519900230001X", "出生日期 19900230 不存在"),
        ("110105199013010011", "出生日期 19901301 不存在"),
        ("110105199001011231", "校验码错误"),
        ("11010519900101123", "应为 18 位，实为 17 位"),
        ("", "应为 18 位，实为 0 位"),
        ("1101051990010112X2", "前 17 位应为数字"),
        ("110105189912310011", "不合理"),
    ],
)
def test_bad_numbers_are_refused_in_chinese(raw, message):
    with pytest.raises(IdNumberError, match=message):
        parse(raw)


def test_birth_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    body = f"110105{tomorrow:%Y%m%d}001"
    with pytest.raises(IdNumberError, match="不合理"):
        parse(body + check_char(body))


def test_impossible_date_even_with_a_matching_check_char():
    body = "11010519900230001"
    with pytest.raises(IdNumberError, match="19900230 不存在"):
        parse(body + check_char(body))


def test_check_chars_table_is_iso_7064():
    # ISO 7064 MOD 11-2: remainder r maps to (12 - r) mod 11, with 10 written as X.
    for remainder, char in enumerate(CHECK_CHARS):
        value = (12 - remainder) % 11
        assert char == ("X" if value == 10 else str(value))


@given(valid_numbers())
def test_mask_keeps_only_first_three_and_last_four(case):
    number, _ = case
    masked = mask(number)
    assert len(masked) == 18
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]
    assert masked[3:14] == "*" * 11
    assert parse(number).masked == masked


def test_mask_of_nothing_is_empty():
    assert idnumber.mask("") == ""
