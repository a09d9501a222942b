from django.urls import path

from dangqun.surveys import satisfaction_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("satisfaction/", satisfaction_views.satisfaction_page, name="satisfaction"),
    path("satisfaction.xlsx", satisfaction_views.satisfaction_xlsx, name="satisfaction_export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/questions/<int:question_pk>/", views.question, name="question"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/results/", views.results_page, name="results"),
    path("<int:pk>/results.xlsx", views.export, name="export"),
    path("<int:pk>/qr.svg", views.qr, name="qr"),
    path("<int:pk>/do/<str:action>/", views.act, name="act"),
]
