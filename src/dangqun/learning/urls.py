from django.urls import path

from dangqun.learning import bank_views, exam_views, overview_views, views

app_name = "learning"

urlpatterns = [
    path("ledger/", views.my_ledger, name="ledger"),
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/export/", overview_views.overview_export, name="overview_export"),
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
