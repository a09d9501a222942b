from django.urls import path

from dangqun.activities import views

app_name = "activities"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
