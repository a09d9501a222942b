from django.urls import include, path

urlpatterns = [
    path("accounts/", include("dangqun.accounts.urls")),
    path("orgs/", include("dangqun.orgs.urls")),
    path("people/", include("dangqun.people.urls")),
    path("api/", include("dangqun.api.urls")),
    path("", include("dangqun.web.urls")),
]
