from django.urls import path

from dangqun.publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.read, name="read"),
    path("<int:pk>/quiz/", views.quiz, name="quiz"),
    path("<int:pk>/do/<str:action>/", views.act, name="act"),
    path("files/<int:pk>/", views.file, name="file"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.new, name="new"),
    path("manage/<int:pk>/", views.item_page, name="item"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/waiting/", views.waiting, name="waiting"),
    path("manage/<int:pk>/poster/", views.poster, name="poster"),
    path("<int:pk>/qr.svg", views.qr, name="qr"),
]
