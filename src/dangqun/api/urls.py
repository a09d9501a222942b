from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from dangqun.api import development, development_figures, life, views, voices

app_name = "api"
router = DefaultRouter()
router.include_format_suffixes = False
router.register("orgs", views.OrgViewSet, basename="org")
router.register("people", views.PersonViewSet, basename="person")
router.register("voices", voices.VoiceViewSet, basename="voice")
router.register("development/cases", development.CaseViewSet, basename="development-case")
router.register("life/meetings", life.MeetingViewSet, basename="life-meeting")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("me/", views.MeView.as_view(), name="me"),
    path("life/radar/", life.RadarView.as_view(), name="life-radar"),
    path("life/radar/export/", life.RadarExportView.as_view(), name="life-radar-export"),
    path("life/radar/record/", life.AnnualRecordView.as_view(), name="life-annual-record"),
    path(
        "development/board/",
        development_figures.BoardView.as_view(),
        name="development-board",
    ),
    path("development/plans/", development_figures.PlanView.as_view(), name="development-plans"),
    path("", include(router.urls)),
]
