"""The answers every operation may give whatever its view: added to the OpenAPI schema once.

A drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``): every
operation needs a token (401), a paginated list answers a page past the end with 404, and a
list's query filters answer an invalid value with 400. An operation that documents the code
itself keeps its own description.
"""

PAGINATION_PARAMETERS = {"page", "page_size"}

UNAUTHORIZED = "未提供令牌或令牌无效"
PAGE_NOT_FOUND = "页码无效或超出范围"
BAD_QUERY = "查询参数有误，按参数给出中文说明"


def document_common_errors(result, generator, request, public):
    """Add 401 to every secured operation, and 404 / 400 to lists with pages / filters."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault("401", {"description": UNAUTHORIZED})
            if method != "get":
                continue
            query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if "page" in query:
                responses.setdefault("404", {"description": PAGE_NOT_FOUND})
            if query - PAGINATION_PARAMETERS:
                responses.setdefault("400", {"description": BAD_QUERY})
    return result
