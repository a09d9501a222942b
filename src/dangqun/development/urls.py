from django.urls import path

from dangqun.development import views

app_name = "development"
urlpatterns = [
    path("", views.board_page, name="board"),
    path("new/", views.new, name="new"),
    path("plan/", views.plan_page, name="plan"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/dossier.zip", views.dossier, name="dossier"),
    path("<int:pk>/files/<int:file_pk>/", views.case_file, name="file"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
