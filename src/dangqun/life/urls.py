from django.urls import path

from dangqun.life import meeting_views, radar_views, views

app_name = "life"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("plan/", views.plan, name="plan"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("radar/", radar_views.radar_page, name="radar"),
    path("radar/export.xlsx", radar_views.radar_export, name="radar_export"),
    path("radar/record.pdf", radar_views.annual_pdf, name="annual_pdf"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
    path("<int:pk>/", meeting_views.detail, name="detail"),
    path("<int:pk>/qr.svg", meeting_views.qr, name="qr"),
    path("<int:pk>/minutes.pdf", meeting_views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/qr/", meeting_views.qr_panel, name="qr_panel"),
    path("<int:pk>/qr/screen/", meeting_views.qr_screen, name="qr_screen"),
    path("<int:pk>/files/<int:file_pk>/", meeting_views.meeting_file, name="file"),
    path("<int:pk>/checkin/", meeting_views.checkin, name="checkin"),
    path("<int:pk>/finalise/confirm/", meeting_views.finalise, name="finalise"),
    path("<int:pk>/<slug:action>/", meeting_views.act, name="act"),
]
