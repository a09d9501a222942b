from django.urls import path

from dangqun.people import manage_views, views
from dangqun.people.imports import views as import_views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.xlsx", views.person_export, name="export"),
    path("me/", views.me, name="me"),
    path("import/", import_views.import_start, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_status, name="import_status"),
    path("import/<int:pk>/errors.xlsx", import_views.import_error_file, name="import_errors"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/review/", views.review_correction, name="review_correction"),
    path("new/", manage_views.create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", manage_views.edit, name="edit"),
    path("<int:pk>/party-profile/", manage_views.edit_profile, name="edit_profile"),
    path("<int:pk>/member-event/", manage_views.member_event, name="member_event"),
    path("<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
    path("<int:pk>/reveal-phone/", views.reveal_phone, name="reveal_phone"),
    path("<int:pk>/correction/", views.request_correction, name="request_correction"),
]
