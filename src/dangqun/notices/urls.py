from django.urls import path

from dangqun.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
