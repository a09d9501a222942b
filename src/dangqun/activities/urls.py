from django.urls import path

from dangqun.activities import organiser_views, views

app_name = "activities"
urlpatterns = [
    path("", views.square, name="square"),
    path("mine/", views.mine, name="mine"),
    path("volunteer/", views.volunteer, name="volunteer"),
    path("manage/", organiser_views.manage, name="manage"),
    path("new/", organiser_views.new, name="new"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", organiser_views.edit, name="edit"),
    path("<int:pk>/signups/", organiser_views.signup_list, name="signups"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/checkin/screen/", organiser_views.checkin_screen, name="checkin_screen"),
    path("<int:pk>/qr.svg", organiser_views.qr, name="qr"),
    path("<int:pk>/qr/", organiser_views.qr_panel, name="qr_panel"),
    path("<int:pk>/hours/", organiser_views.hours_page, name="hours"),
    path("<int:pk>/files/<int:file_pk>/", views.activity_file, name="file"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
