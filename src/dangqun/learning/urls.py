from django.urls import path

from dangqun.learning import views

app_name = "learning"

urlpatterns = [
    path("ledger/", views.my_ledger, name="ledger"),
]
