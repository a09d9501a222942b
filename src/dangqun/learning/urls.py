from django.urls import path

from dangqun.learning import (
    bank_views,
    class_manage_views,
    class_views,
    exam_views,
    material_views,
    overview_views,
    views,
)

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
    # exams: the member's
    path("exams/", exam_views.my_exams, name="exams"),
    path("exams/<int:pk>/", exam_views.exam, name="exam"),
    path("exams/attempts/<int:pk>/", exam_views.attempt, name="attempt"),
    path("exams/attempts/<int:pk>/answer/", exam_views.save_answer, name="save_answer"),
    path("exams/attempts/<int:pk>/submit/", exam_views.submit, name="submit"),
    path("exams/attempts/<int:pk>/result/", exam_views.result, name="result"),
    # the question bank and exams: the organiser's
    path("questions/", bank_views.bank, name="bank"),
    path("questions/new/", bank_views.question_new, name="question_new"),
    path("questions/<int:pk>/", bank_views.question_edit, name="question"),
    path("questions/import/", bank_views.import_questions, name="import_questions"),
    path("questions/template.xlsx", bank_views.template_file, name="question_template"),
    path("questions/export.xlsx", bank_views.export_questions, name="export_questions"),
    path("papers/", bank_views.paper_list, name="papers"),
    path("papers/new/", bank_views.paper_new, name="paper_new"),
    path("exams/manage/", bank_views.exam_list, name="exams_manage"),
    path("exams/new/", bank_views.exam_new, name="exam_new"),
    path("exams/<int:pk>/statistics/", bank_views.statistics, name="exam_statistics"),
]
