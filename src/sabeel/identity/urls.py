"""The identity pages: runs, the review queue (``views``) and merges (``merge_urls``)."""

from django.urls import include, path

app_name = "identity"

urlpatterns = [
    path("", include("sabeel.identity.merge_urls")),
]
