"""Pages for merges and unmerges (included by ``identity/urls.py``)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
