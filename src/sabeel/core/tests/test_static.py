"""The demo serves static files through whitenoise's manifest: every file a page asks for must be found."""

from django.contrib.staticfiles import finders


def test_the_stylesheet_and_htmx_are_found_by_collectstatic():
    assert finders.find("sabeel/sabeel.css") is not None
    assert finders.find("django_htmx/htmx-2.min.js") is not None
