"""Give every request an id and remember the client address for audit rows."""

import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-Id", "")[:36] or str(uuid.uuid4())
        rid = request_id_var.set(request.id)
        ip = client_ip_var.set(request.META.get("REMOTE_ADDR") or None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(rid)
            client_ip_var.reset(ip)
        response["X-Request-Id"] = request.id
        return response
