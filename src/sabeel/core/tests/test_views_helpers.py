"""run_service: a view's service call whose refusal lands on the form (the field it names, else above
the form) or, with no form, in the page's error message; a success shows its message."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from sabeel.core.exceptions import ServiceError
from sabeel.core.views_helpers import run_service

REFUSED = "The record was not saved."
NAME_MESSAGE = "Give the name."


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def a_request() -> HttpRequest:
    request = RequestFactory().post("/")
    for middleware in (SessionMiddleware, MessageMiddleware):
        middleware(lambda _request: HttpResponse()).process_request(request)
    return request


def shown(request: HttpRequest) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in messages.get_messages(request)]


def a_form() -> NameForm:
    form = NameForm({"name": "Salma"})
    assert form.is_valid()
    return form


def refuse(fields: dict[str, list[str]] | None = None):
    def call() -> None:
        raise ServiceError(REFUSED, fields=fields)

    return call


def test_a_success_is_true_and_shows_its_message():
    request, form, calls = a_request(), a_form(), []
    assert run_service(request, lambda: calls.append("ran"), "Recorded.", form=form) is True
    assert calls == ["ran"]
    assert shown(request) == [(messages.SUCCESS, "Recorded.")]
    assert form.errors == {}


def test_a_success_without_a_message_shows_nothing():
    request = a_request()
    assert run_service(request, lambda: None) is True
    assert shown(request) == []


def test_a_refusal_naming_a_field_lands_on_that_field_and_no_message_is_shown():
    request, form = a_request(), a_form()
    assert run_service(request, refuse({"name": [NAME_MESSAGE]}), "Recorded.", form=form) is False
    assert form.errors == {"name": [NAME_MESSAGE]}
    assert form.non_field_errors() == []
    assert shown(request) == []


def test_a_refusal_naming_no_field_or_an_unknown_one_goes_above_the_form():
    request, form = a_request(), a_form()
    assert run_service(request, refuse(), "Recorded.", form=form) is False
    assert form.non_field_errors() == [REFUSED]
    assert "name" not in form.errors

    other = a_form()
    assert run_service(request, refuse({"household": [NAME_MESSAGE]}), form=other) is False
    assert other.non_field_errors() == [NAME_MESSAGE]
    assert shown(request) == []


def test_without_a_form_the_refusal_is_the_pages_error_message():
    request = a_request()
    assert run_service(request, refuse({"name": [NAME_MESSAGE]}), "Recorded.") is False
    assert shown(request) == [(messages.ERROR, REFUSED)]


def test_other_errors_are_not_swallowed():
    def broken() -> None:
        raise ValueError("a bug")

    request = a_request()
    with pytest.raises(ValueError, match="a bug"):
        run_service(request, broken, "Recorded.", form=a_form())
    assert shown(request) == []
