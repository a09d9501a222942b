from django.urls import path

from dangqun.accounts import manage_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", manage_views.account_list, name="list"),
    path("new/", manage_views.account_create, name="create"),
    path("<int:pk>/", manage_views.account_detail, name="detail"),
    path("<int:pk>/grants/", manage_views.grant_add, name="grant_add"),
    path("<int:pk>/grants/<int:grant_pk>/revoke/", manage_views.grant_remove, name="grant_remove"),
]
