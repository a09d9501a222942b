from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from dangqun.api import (
    accounts,
    activities,
    activity_certificates,
    activity_orders,
    bell,
    congresses,
    connect,
    development,
    development_figures,
    learning,
    learning_classes,
    learning_exams,
    learning_materials,
    life,
    life_figures,
    metrics,
    orgs,
    people_imports,
    people_records,
    proposals,
    publicity,
    surveys,
    views,
    voice_admin,
    voice_imports,
    voice_lists,
    voices,
    workbench,
)

app_name = "api"
router = DefaultRouter()
router.include_format_suffixes = False
router.register("accounts", accounts.AccountViewSet, basename="account")
router.register("orgs", orgs.OrgViewSet, basename="org")
# before people: its people/{id}/ would take people/imports/
router.register("people/imports", people_imports.ImportJobViewSet, basename="people-import")
router.register("people", views.PersonViewSet, basename="person")
# before voices: its voices/{id}/ would take voices/public/
router.register("voices/public", voice_lists.PublicVoiceViewSet, basename="public-voice")
router.register("voices/import", voice_imports.VoiceImportViewSet, basename="voice-import")
router.register("voices/congresses", congresses.CongressViewSet, basename="voice-congress")
router.register("voices", voices.VoiceViewSet, basename="voice")
router.register("development/cases", development.CaseViewSet, basename="development-case")
router.register("surveys", surveys.SurveyViewSet, basename="survey")
router.register("learning/exams", learning_exams.ExamViewSet, basename="learning-exam")
router.register("learning/attempts", learning_exams.AttemptViewSet, basename="learning-attempt")
router.register("learning/questions", learning_exams.QuestionViewSet, basename="learning-question")
router.register("life/meetings", life.MeetingViewSet, basename="life-meeting")
# before activities: its activities/{id}/ would take activities/orders/ and /certificates/
router.register("activities/orders", activity_orders.OrderViewSet, basename="activity-order")
router.register(
    "activities/certificates",
    activity_certificates.CertificateViewSet,
    basename="activity-certificate",
)
router.register("activities", activities.ActivityViewSet, basename="activity")
router.register(
    "learning/materials",
    learning_materials.LearningMaterialViewSet,
    basename="learning-material",
)
router.register("learning/classes", learning_classes.ClassViewSet, basename="learning-class")
router.register("learning/external", learning_classes.ExternalViewSet, basename="learning-external")
router.register("publicity/items", publicity.PublicityItemViewSet, basename="publicity-item")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("me/", views.MeView.as_view(), name="me"),
    path("workbench/", workbench.WorkbenchView.as_view(), name="workbench"),
    path("notices/", bell.NoticesView.as_view(), name="notices"),
    path("notices/read-all/", bell.ReadAllView.as_view(), name="notices-read-all"),
    path("notices/push/", connect.PushPreferenceView.as_view(), name="notices-push"),
    path("notices/<str:pk>/open/", bell.OpenNoticeView.as_view(), name="notice-open"),
    path("audit/", bell.AuditLogView.as_view(), name="audit"),
    path("learning/my-ledger/", learning.MyLedgerView.as_view(), name="learning-my-ledger"),
    path("learning/overview/", learning.OverviewView.as_view(), name="learning-overview"),
    # before the router: its people/{id}/ and voices/{id}/ would take these
    path("people/export/", people_records.PeopleExportView.as_view(), name="people-export"),
    path("people/head-counts/", people_records.HeadCountsView.as_view(), name="people-counts"),
    path(
        "people/corrections/",
        people_records.PendingCorrectionsView.as_view(),
        name="people-corrections",
    ),
    re_path(
        r"^people/corrections/(?P<pk>[^/.]+)/review/$",
        people_records.ReviewCorrectionView.as_view(),
        name="people-correction-review",
    ),
    re_path(
        r"^people/(?P<pk>[^/.]+)/reveal-id/$",
        people_records.RevealIdView.as_view(),
        name="person-reveal-id",
    ),
    re_path(
        r"^people/(?P<pk>[^/.]+)/reveal-phone/$",
        people_records.RevealPhoneView.as_view(),
        name="person-reveal-phone",
    ),
    re_path(
        r"^people/(?P<pk>[^/.]+)/corrections/$",
        people_records.PersonCorrectionsView.as_view(),
        name="person-corrections",
    ),
    path("voices/metrics/", metrics.MetricsView.as_view(), name="voice-metrics"),
    path("voices/metrics/trend/", metrics.TrendView.as_view(), name="voice-metrics-trend"),
    path("voices/metrics/export/", metrics.ExportView.as_view(), name="voice-metrics-export"),
    path("voices/hot-topics/", metrics.HotTopicsView.as_view(), name="voice-hot-topics"),
    path("voices/inbox/", voice_lists.InboxView.as_view(), name="voice-inbox"),
    path("voices/proposals/", proposals.ProposalsView.as_view(), name="voice-proposals"),
    path("voices/categories/", voice_admin.CategoriesView.as_view(), name="voice-categories"),
    re_path(
        r"^voices/categories/(?P<pk>[^/.]+)/$",
        voice_admin.CategoryView.as_view(),
        name="voice-category",
    ),
    re_path(
        r"^voices/categories/(?P<pk>[^/.]+)/deactivate/$",
        voice_admin.CategoryDeactivateView.as_view(),
        name="voice-category-deactivate",
    ),
    path("voices/calendar/", voice_admin.CalendarView.as_view(), name="voice-calendar"),
    re_path(
        r"^voices/posters/(?P<pk>[^/.]+)/$", voice_admin.PosterView.as_view(), name="voice-poster"
    ),
    re_path(
        r"^voices/calendar/(?P<day>[^/]+)/$",
        voice_admin.CalendarDayView.as_view(),
        name="voice-calendar-day",
    ),
    path("life/radar/", life_figures.RadarView.as_view(), name="life-radar"),
    path("life/radar/export/", life_figures.RadarExportView.as_view(), name="life-radar-export"),
    path("life/radar/record/", life_figures.AnnualRecordView.as_view(), name="life-annual-record"),
    path(
        "development/board/",
        development_figures.BoardView.as_view(),
        name="development-board",
    ),
    path("development/plans/", development_figures.PlanView.as_view(), name="development-plans"),
    path("", include(router.urls)),
]
