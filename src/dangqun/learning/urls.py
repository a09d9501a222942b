from django.urls import path

from dangqun.learning import overview_views, views

app_name = "learning"

urlpatterns = [
    path("ledger/", views.my_ledger, name="ledger"),
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/export/", overview_views.overview_export, name="overview_export"),
]
