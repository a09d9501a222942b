from django.urls import path

from dangqun.connect import views

app_name = "connect"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("<str:provider>/start/", views.start, name="start"),
    path("<str:provider>/callback/", views.callback, name="callback"),
]
