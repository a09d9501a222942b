from django.urls import path

from dangqun.activities import (
    certificate_views,
    order_views,
    organiser_views,
    participation_views,
    views,
)

app_name = "activities"
urlpatterns = [
    path("", views.square, name="square"),
    path("mine/", views.mine, name="mine"),
    path("volunteer/", views.volunteer, name="volunteer"),
    path("manage/", organiser_views.manage, name="manage"),
    path("new/", organiser_views.new, name="new"),
    path("new/partners/", organiser_views.partners, name="partners"),
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
    path("participation/", participation_views.participation_page, name="participation"),
    path(
        "participation/export.xlsx",
        participation_views.participation_export,
        name="participation_export",
    ),
    path("certificates/", certificate_views.mine, name="certificates"),
    path("certificates/issue/", certificate_views.issue, name="certificate_issue"),
    path("certificates/<int:pk>/pdf/", certificate_views.pdf, name="certificate_pdf"),
    path(
        "certificates/<int:pk>/withdraw/",
        certificate_views.withdraw,
        name="certificate_withdraw",
    ),
    path("hours/export/", certificate_views.export, name="hours_export"),
    path("orders/", order_views.board, name="orders"),
    path("orders/monthly/", order_views.monthly, name="orders_monthly"),
    path("orders/from-voice/<int:voice_pk>/", order_views.new, name="order_new"),
    path("orders/<int:pk>/", order_views.detail, name="order"),
    path("orders/<int:pk>/<str:action>/", order_views.act, name="order_act"),
]

# Public pages (no login): verifying a 志愿服务证明 by its code, typed or scanned.
public_urlpatterns = [
    path("", certificate_views.verify, name="verify"),
    path("<str:code>/", certificate_views.verify_code, name="verify_code"),
]
