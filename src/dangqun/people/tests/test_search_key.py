"""The pinyin search key fits people's column (core.pinyin on the model that stores it)."""

from dangqun.core.pinyin import search_key
from dangqun.people.models import Person


def test_key_fits_the_column():
    limit = Person._meta.get_field("name_pinyin").max_length
    long_name = "阿卜杜热合曼·买买提艾力·单长乐曾乐乐" * 3
    key = search_key(long_name)
    assert len(key) <= limit
    assert key.startswith(" ")
    assert key.split()[0]  # the first (default) reading is kept
