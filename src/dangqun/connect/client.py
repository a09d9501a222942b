"""The part every enterprise API shares: a cached access token, refreshed once when the server says
it expired, and a bounded back-off when it says to slow down.

Both 企业微信 and 钉钉's server APIs answer HTTP 200 with a JSON body whose ``errcode`` is 0 on
success; the codes each treats as "token expired" or "too many calls" are listed by each client.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
from django.core.cache import cache

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class ApiError(Exception):
    """The enterprise API refused a call; ``code`` is its errcode."""

    def __init__(self, code, message: str = ""):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RateLimited(ApiError):
    """Still limited after the client's own back-off: the caller retries later (Huey's retry)."""


class Transient(ApiError):
    """The server was busy or unreachable: worth trying again later."""


@dataclass(frozen=True)
class Identity:
    """Who the enterprise says signed in: its own user id and what may match our person."""

    provider: str
    external_id: str
    employee_no: str = ""
    mobile: str = ""
    name: str = ""


class TokenClient:
    """A client whose calls carry an app access token. Subclasses say how to fetch the token,
    which errcodes mean it expired and which mean "slow down"."""

    provider = ""
    expired_codes: frozenset = frozenset()
    limited_codes: frozenset = frozenset()
    busy_codes: frozenset = frozenset({-1})
    # Seconds to wait before each repeat of a rate-limited call; then give up (RateLimited).
    backoff: tuple[float, ...] = (1.0, 2.0)
    sleep = staticmethod(time.sleep)

    def __init__(self, *, http: httpx.Client | None = None):
        self.http = http or httpx.Client(timeout=TIMEOUT)

    # Token -------------------------------------------------------------------------------------
    def cache_key(self) -> str:
        raise NotImplementedError

    def fetch_token(self) -> tuple[str, int]:
        """Ask the server for a new token: (token, seconds valid); see ``token_from``."""
        raise NotImplementedError

    @staticmethod
    def token_from(response: httpx.Response) -> tuple[str, int]:
        """The token and its seconds from a gettoken answer (both servers answer alike)."""
        body = plain_json(response)
        if body.get("errcode", 0) != 0:
            raise ApiError(body.get("errcode"), body.get("errmsg", ""))
        return body["access_token"], int(body.get("expires_in", 7200))

    def token(self, *, fresh: bool = False) -> str:
        key = self.cache_key()
        if not fresh:
            cached = cache.get(key)
            if cached:
                return cached
        try:
            value, expires_in = self.fetch_token()
        except httpx.TransportError as exc:
            raise Transient("network", str(exc)) from exc
        except ValueError as exc:
            raise Transient("body", str(exc)) from exc
        # Renew a few minutes early: the documents say the server may end a token before its time.
        cache.set(key, value, max(60, int(expires_in) - 300))
        return value

    # Calls -------------------------------------------------------------------------------------
    def call_url(self, path: str) -> str:
        """The full address of a token-carrying call."""
        raise NotImplementedError

    def send(self, method: str, url: str, token: str, **kwargs) -> dict:
        """One HTTP exchange carrying ``token`` as a query parameter; returns the JSON body."""
        params = {**kwargs.pop("params", {}), "access_token": token}
        return plain_json(self.http.request(method, self.call_url(url), params=params, **kwargs))

    def errcode(self, body: dict):
        return body.get("errcode", 0)

    def call(self, method: str, url: str, **kwargs) -> dict:
        """Call with the cached token; on "token expired" fetch a new one and repeat once; on
        "slow down" wait and repeat as ``backoff`` allows."""
        refreshed = False
        waits = list(self.backoff)
        token = self.token()
        while True:
            body = self.request(method, url, token, **kwargs)
            code = self.errcode(body)
            if code in (0, None):
                return body
            message = str(body.get("errmsg") or body.get("message") or "")
            if code in self.expired_codes and not refreshed:
                refreshed = True
                token = self.token(fresh=True)
                continue
            if code in self.limited_codes or code in self.busy_codes:
                if waits:
                    self.sleep(waits.pop(0))
                    continue
                error = RateLimited if code in self.limited_codes else Transient
                raise error(code, message)
            raise ApiError(code, message)

    def request(self, method: str, url: str, token: str, **kwargs) -> dict:
        try:
            return self.send(method, url, token, **kwargs)
        except httpx.TransportError as exc:
            raise Transient("network", str(exc)) from exc
        except ValueError as exc:  # not JSON: a proxy's error page, say
            raise Transient("body", str(exc)) from exc


def plain_json(response: httpx.Response) -> dict:
    """The JSON body of an answer, whatever its status (钉钉's new API reports errors as 4xx JSON)."""
    if response.status_code >= 500:
        raise Transient(response.status_code, response.text[:200])
    return response.json()
