from django.urls import path

from dangqun.learning import material_views, overview_views, views

app_name = "learning"

urlpatterns = [
    path("ledger/", views.my_ledger, name="ledger"),
    path("overview/", overview_views.overview_page, name="overview"),
    path("overview/export/", overview_views.overview_export, name="overview_export"),
    path("materials/", material_views.mine, name="materials"),
    path("materials/manage/", material_views.manage, name="materials_manage"),
    path("materials/new/", material_views.new, name="material_new"),
    path("materials/<int:pk>/", material_views.detail, name="material"),
    path("materials/<int:pk>/file/", material_views.file, name="material_file"),
    path("materials/<int:pk>/edit/", material_views.edit, name="material_edit"),
    path("materials/<int:pk>/notes/", material_views.notes, name="material_notes"),
    path("materials/studied/<int:pk>/", material_views.studied, name="material_studied"),
    path("materials/<int:pk>/do/<str:action>/", material_views.act, name="material_act"),
]
