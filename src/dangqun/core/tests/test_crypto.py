"""Field encryption round trip and the keyed hash that makes ID numbers unique."""

import pytest
from cryptography.fernet import InvalidToken
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core import crypto


@given(st.text())
def test_encrypt_decrypt_round_trip(value):
    token = crypto.encrypt(value)
    assert crypto.decrypt(token) == value


def test_the_token_does_not_contain_the_value():
    assert "110105199001011232" not in crypto.encrypt("110105199001011232")


def test_encryption_is_randomised():
    assert crypto.encrypt("110105199001011232") != crypto.encrypt("110105199001011232")


def test_keyed_hash_is_stable_and_distinguishes_values():
    first = crypto.keyed_hash("110105199001011232")
    assert first == crypto.keyed_hash("110105199001011232")
    assert first != crypto.keyed_hash("11010519491231002X")
    assert len(first) == 64
    assert "110105199001011232" not in first


def test_keyed_hash_depends_on_the_site_key(settings):
    before = crypto.keyed_hash("110105199001011232")
    settings.FIELD_ENCRYPTION_KEY = "another-site"
    assert crypto.keyed_hash("110105199001011232") != before


def test_another_key_cannot_decrypt(settings):
    token = crypto.encrypt("secret")
    settings.FIELD_ENCRYPTION_KEY = "another-site"
    crypto._fernet.cache_clear()
    try:
        with pytest.raises(InvalidToken):
            crypto.decrypt(token)
    finally:
        crypto._fernet.cache_clear()
