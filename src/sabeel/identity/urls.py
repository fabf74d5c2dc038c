"""The identity pages: runs, the review queue (``views``) and merges (``merge_urls``)."""

from django.urls import include, path

from sabeel.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/upload/", views.list_upload, name="list_upload"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/stop/", views.run_stop, name="run_stop"),
    path("runs/<int:pk>/pairs/", views.pair_queue, name="pair_queue"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/decide/", views.pair_decide, name="pair_decide"),
    path("", include("sabeel.identity.merge_urls")),
]
