"""Turn the services' exceptions into API responses: ValidationError → 400, PermissionDenied → 403;
and tell a path's object ID from text that can name no row (answered 404 before any query)."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus Django's ``ValidationError`` as a 400 with the Chinese message per field.

    DRF already turns ``Http404`` into 404 and ``PermissionDenied`` into 403, keeping the message.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)


def nested_errors(exc: DjangoValidationError, fields, under: str) -> exceptions.ValidationError:
    """The same errors, with those of ``fields`` moved under one key (a nested object's errors)."""
    detail = as_serializer_error(exc)
    nested = {field: detail.pop(field) for field in list(detail) if field in fields}
    if nested:
        detail[under] = nested
    return exceptions.ValidationError(detail)


OBJECT_ID = re.compile(r"[0-9]{1,18}")


def is_object_id(value) -> bool:
    """Whether a path's ID can name a row at all (digits that fit a 64-bit key)."""
    return OBJECT_ID.fullmatch(str(value)) is not None
