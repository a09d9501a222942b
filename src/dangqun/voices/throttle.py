"""Limits on the no-login pages (a QR page flooded from one phone, query codes guessed).

Counters live in the shared cache for one window only. An address is counted under a keyed hash
whose key is random and changes every day, and is never written with a voice, so the counter
cannot be tied back to anyone after the fact (decisions/0008).
"""

import datetime
import hashlib
import hmac
import ipaddress
import secrets
import time

from django.core.cache import cache

from dangqun.core.rules import get_rule


def _network(address: str) -> str:
    """An IPv6 client owns its whole /64: count the network, not the address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _address_key(address: str) -> str:
    address = _network(address)
    salt_key = f"voices:throttle:salt:{datetime.date.today():%Y%m%d}"
    salt = cache.get_or_set(salt_key, lambda: secrets.token_hex(16), 2 * 24 * 3600)
    return hmac.new(salt.encode(), (address or "").encode(), hashlib.sha256).hexdigest()[:20]


def _count(name: str, limit: int, minutes: int) -> bool:
    """One more event in this window; False when the limit is passed."""
    window = int(time.time() // (minutes * 60))
    key = f"voices:throttle:{name}:{window}"
    if cache.add(key, 1, minutes * 60):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, minutes * 60)
        count = 1
    return count <= limit


def allow_submission(address: str, unit_id: int) -> bool:
    rule = get_rule("voices.public_limits")
    return _count(
        f"submit:addr:{_address_key(address)}",
        rule["per_address"],
        rule["minutes"],
    ) and _count(f"submit:unit:{unit_id}", rule["per_unit"], rule["minutes"])


def allow_code_attempt(address: str) -> bool:
    rule = get_rule("voices.public_limits")
    return _count(f"code:addr:{_address_key(address)}", rule["code_attempts"], rule["minutes"])
