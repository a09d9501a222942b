"""The site's URLs and error handlers, plus views that fail, for the error-page tests."""

from django.urls import path

from dangqun.urls import handler400, handler403, handler404, handler500
from dangqun.urls import urlpatterns as site


def fails(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("fails/", fails), path("api/fails/", fails), *site]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
