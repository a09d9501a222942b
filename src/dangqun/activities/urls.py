from django.urls import path

from dangqun.activities import participation_views, views

app_name = "activities"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("participation/", participation_views.participation_page, name="participation"),
    path(
        "participation/export.xlsx",
        participation_views.participation_export,
        name="participation_export",
    ),
]
