from django.urls import path

from dangqun.connect import views

app_name = "connect"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("accounts/<int:pk>/", views.account_bindings, name="account_bindings"),
    path("dingtalk/free/", views.dingtalk_free, name="dingtalk_free"),
    path("<str:provider>/start/", views.start, name="start"),
    path("<str:provider>/callback/", views.callback, name="callback"),
]
