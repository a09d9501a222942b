"""Uploads over the API stop at the import size limit while they stream in, as the import pages
do (``core.imports.files.SizeLimitHandler``): without it DRF writes the whole body to a temporary
file before the job looks at its size, and one request of gigabytes fills the disk."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException

from dangqun.core.imports.files import SizeLimitHandler, size_message

TOO_LARGE = OpenApiResponse(description="文件超过导入大小上限（DANGQUN_IMPORT_MAX_MB），未保存")


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class SizeLimitedUploads:
    """A viewset mixin: every POST's upload passes the size limiter; ``refuse_oversize()`` after
    reading ``request.data`` answers 413 in Chinese (the file was never stored)."""

    upload_limit: SizeLimitHandler | None = None

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            self.upload_limit = SizeLimitHandler(request)
            request.upload_handlers.insert(0, self.upload_limit)
        return super().initialize_request(request, *args, **kwargs)

    def refuse_oversize(self, request) -> None:
        request.data  # noqa: B018 - parse the body through the limiter first
        if self.upload_limit is not None and self.upload_limit.too_large:
            raise PayloadTooLarge({"file": [size_message(self.upload_limit.received)]})
