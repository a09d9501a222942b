"""Give every request an id and remember the client address for audit rows."""

import uuid
from contextvars import ContextVar

from django.conf import settings

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


def client_address(request) -> str:
    """The client's address: behind a trusted reverse proxy, the rightmost address in
    X-Forwarded-For that is not one of the proxies (the left part can be forged by the client)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if remote in trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for address in reversed([a.strip() for a in forwarded if a.strip()]):
            if address not in trusted:
                return address
    return remote


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-Id", "")[:36] or str(uuid.uuid4())
        rid = request_id_var.set(request.id)
        ip = client_ip_var.set(client_address(request) or None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(rid)
            client_ip_var.reset(ip)
        response["X-Request-Id"] = request.id
        return response
