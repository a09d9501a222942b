from django.urls import path

from dangqun.voices import (
    calendar_views,
    import_views,
    manage_views,
    metrics_views,
    proposal_views,
    public_views,
    views,
)

app_name = "voices"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("public/", public_views.public_list, name="public"),
    path("public/<int:pk>/", public_views.public_detail, name="public_detail"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
    path("qr/<int:org_pk>/", views.qr_poster, name="poster"),
    path("metrics/", metrics_views.metrics, name="metrics"),
    path("metrics/trend.json", metrics_views.metrics_trend_json, name="metrics_trend"),
    path("metrics/export.xlsx", metrics_views.metrics_export, name="metrics_export"),
    path("metrics/hot-topics/", metrics_views.hot_topics, name="hot_topics"),
    path("calendar/", calendar_views.work_calendar, name="calendar"),
    path("proposals/", proposal_views.overview, name="proposals"),
    path("proposals/new/<int:congress_pk>/", proposal_views.new, name="proposal_new"),
    path("congress/", proposal_views.congress_list, name="congresses"),
    path("congress/<int:pk>/", proposal_views.congress, name="congress"),
    path(
        "congress/representative/<int:pk>/remove/",
        proposal_views.remove_representative,
        name="representative_remove",
    ),
    path("categories/", manage_views.category_list, name="categories"),
    path("import/", import_views.import_start, name="import"),
    path("import/<int:pk>/", import_views.import_status, name="import_status"),
    path("import/<int:pk>/map/", import_views.import_map, name="import_map"),
    path("import/<int:pk>/errors/", import_views.import_error_file, name="import_errors"),
    path("categories/<int:pk>/", manage_views.category_list, name="category"),
    path(
        "categories/<int:pk>/deactivate/",
        manage_views.deactivate_category,
        name="category-deactivate",
    ),
]

# Public pages (no login): a unit's QR page and following a voice by its query code.
public_urlpatterns = [
    path("q/", views.follow, name="follow"),
    path("<str:token>/", views.qr_page, name="qr"),
]
