from django.urls import path

from dangqun.learning import class_manage_views, class_views, material_views, overview_views, views

app_name = "learning"

urlpatterns = [
    path("ledger/", views.my_ledger, name="ledger"),
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/export/", overview_views.overview_export, name="overview_export"),
    path("materials/", material_views.mine, name="materials"),
    path("materials/manage/", material_views.manage, name="materials_manage"),
    path("materials/new/", material_views.new, name="material_new"),
    path("materials/<int:pk>/", material_views.detail, name="material"),
    path("materials/<int:pk>/file/", material_views.file, name="material_file"),
    path("materials/<int:pk>/edit/", material_views.edit, name="material_edit"),
    path("materials/<int:pk>/notes/", material_views.notes, name="material_notes"),
    path("materials/studied/<int:pk>/", material_views.studied, name="material_studied"),
    path("materials/<int:pk>/do/<str:action>/", material_views.act, name="material_act"),
    path("classes/", class_views.my_classes, name="classes"),
    path("classes/<int:pk>/", class_views.class_page, name="class"),
    path("classes/<int:pk>/certificate.pdf", class_views.certificate, name="class_certificate"),
    path("classes/<int:pk>/<slug:action>/", class_views.class_act, name="class_act"),
    path("sessions/<int:pk>/checkin/", class_views.session_checkin, name="session_checkin"),
    path("external/", class_views.my_external, name="external"),
    path(
        "external/<int:pk>/files/<int:file_pk>/",
        class_views.external_proof,
        name="external_proof",
    ),
    path("manage/classes/", class_manage_views.class_list, name="class_list"),
    path("manage/classes/new/", class_manage_views.class_new, name="class_new"),
    path("manage/classes/<int:pk>/", class_manage_views.class_manage, name="class_manage"),
    path(
        "manage/classes/<int:pk>/session/",
        class_manage_views.session_save,
        name="class_session",
    ),
    path(
        "manage/classes/<int:pk>/enrolments/",
        class_manage_views.enrolments,
        name="class_enrolments",
    ),
    path("manage/sessions/<int:pk>/", class_manage_views.session_screen, name="session_screen"),
    path("manage/sessions/<int:pk>/qr.svg", class_manage_views.session_qr, name="session_qr"),
    path(
        "manage/sessions/<int:pk>/qr/", class_manage_views.session_qr_panel, name="session_qr_panel"
    ),
    path("manage/external/", class_manage_views.external_queue, name="external_queue"),
    path(
        "manage/external/<int:pk>/<slug:action>/",
        class_manage_views.external_act,
        name="external_act",
    ),
]
