from django.urls import path

from dangqun.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("workbench/card/<str:key>/", views.workbench_card, name="workbench_card"),
    path("audit/", views.audit_log, name="audit"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
]
