from django.urls import path

from dangqun.orgs import manage_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/add/", manage_views.add_child, name="add_child"),
    path("<int:pk>/edit/", manage_views.edit, name="edit"),
    path("<int:pk>/move/", manage_views.move, name="move"),
    path("<int:pk>/dissolve/", manage_views.dissolve, name="dissolve"),
    path("<int:pk>/terms/new/", manage_views.new_term, name="new_term"),
    path("<int:pk>/posts/new/", manage_views.appoint, name="appoint"),
    path("<int:pk>/posts/<int:post_pk>/end/", manage_views.end_post, name="end_post"),
]
