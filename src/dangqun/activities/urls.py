from django.urls import path

from dangqun.activities import order_views, views

app_name = "activities"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("orders/", order_views.board, name="orders"),
    path("orders/monthly/", order_views.monthly, name="orders_monthly"),
    path("orders/from-voice/<int:voice_pk>/", order_views.new, name="order_new"),
    path("orders/<int:pk>/", order_views.detail, name="order"),
    path("orders/<int:pk>/<str:action>/", order_views.act, name="order_act"),
]
