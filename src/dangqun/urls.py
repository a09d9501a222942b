from django.urls import include, path

from dangqun.activities.urls import public_urlpatterns as activities_public
from dangqun.voices.urls import public_urlpatterns as voices_public

urlpatterns = [
    path("voices/", include("dangqun.voices.urls")),
    path("life/", include("dangqun.life.urls")),
    path("development/", include("dangqun.development.urls")),
    path("activities/", include("dangqun.activities.urls")),
    path("learning/", include("dangqun.learning.urls")),
    path("surveys/", include("dangqun.surveys.urls")),
    path("publicity/", include("dangqun.publicity.urls")),
    path("notices/", include("dangqun.notices.urls")),
    path("v/", include((voices_public, "voices_public"))),
    path("c/", include((activities_public, "activities_public"))),
    path("accounts/", include("dangqun.accounts.urls")),
    path("connect/", include("dangqun.connect.urls")),
    path("orgs/", include("dangqun.orgs.urls")),
    path("people/", include("dangqun.people.urls")),
    path("api/", include("dangqun.api.urls")),
    path("", include("dangqun.web.urls")),
]

# Error pages in Chinese in the site's layout; JSON under /api/ (web/errors.py).
handler400 = "dangqun.web.errors.bad_request"
handler403 = "dangqun.web.errors.permission_denied"
handler404 = "dangqun.web.errors.page_not_found"
handler500 = "dangqun.web.errors.server_error"
