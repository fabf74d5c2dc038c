"""Pages for merges and unmerges (included by ``identity/urls.py``)."""

from django.urls import URLPattern, path

from sabeel.identity import merge_views

urlpatterns: list[URLPattern] = [
    path("merges/decisions/", merge_views.merge_decisions, name="merge_decisions"),
    path("merges/pair/<int:pair>/", merge_views.merge_confirm, name="merge_confirm"),
    path("merges/person/<int:pk>/", merge_views.merge_person, name="merge_person"),
    path("merges/<int:pk>/", merge_views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/decide/", merge_views.merge_decide, name="merge_decide"),
    path("merges/<int:pk>/unmerge/", merge_views.merge_unmerge, name="merge_unmerge"),
]
