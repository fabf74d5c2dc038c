"""Survey pull routes, included in the consent app's URLs (namespace ``consent``)."""

from django.urls import path

from sabeel.consent import pull_views

urlpatterns = [
    path("intentions/pull/", pull_views.pull_source_list, name="pull_source_list"),
    path("intentions/pull/new/", pull_views.pull_source_create, name="pull_source_create"),
    path("intentions/pull/<int:pk>/", pull_views.pull_source_detail, name="pull_source_detail"),
    path("intentions/pull/<int:pk>/edit/", pull_views.pull_source_edit, name="pull_source_edit"),
    path("intentions/pull/<int:pk>/pull/", pull_views.pull_now, name="pull_now"),
    path("intentions/pull/dead-letters/<int:pk>/retry/", pull_views.dead_letter_retry, name="dead_letter_retry"),
]
