from django.urls import path

from dangqun.activities import certificate_views, order_views, participation_views, views

app_name = "activities"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("participation/", participation_views.participation_page, name="participation"),
    path(
        "participation/export.xlsx",
        participation_views.participation_export,
        name="participation_export",
    ),
    path("certificates/", certificate_views.mine, name="certificates"),
    path("certificates/issue/", certificate_views.issue, name="certificate_issue"),
    path("certificates/<int:pk>/pdf/", certificate_views.pdf, name="certificate_pdf"),
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
