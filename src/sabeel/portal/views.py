"""The self-service page (C11), for refugees: registration number → one-time code → the household's
status, next step and information package, a call-back request and a withdrawal. Thin adapters.

The page is in Arabic unless the person chose another language; the registration number and the
code travel in POST bodies only. Staff sign-in neither opens nor is touched by these pages.
"""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from sabeel.core import throttle
from sabeel.core.exceptions import ServiceError
from sabeel.portal import selectors, services
from sabeel.portal import session as refugee_session
from sabeel.portal.forms import CodeForm, NumberForm, WithdrawForm
from sabeel.portal.services import Verdict
from sabeel.registry.models import Household

PAGE_LANGUAGE = "ar"


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Arabic unless the person chose a language (the language cookie); never cached."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(PAGE_LANGUAGE)
            request.LANGUAGE_CODE = PAGE_LANGUAGE
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def refugee_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of a household whose code was right; otherwise back to the start."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        current = refugee_session.current(request)
        if current is None:
            return redirect("portal:start")
        household = Household.objects.select_related("working_group", "destination").get(pk=current.household_id)
        return view(request, current, household, *args, **kwargs)

    return portal_page(wrapper)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"signed_in": refugee_session.SESSION_KEY in request.session, **context}, status=status)


def _throttled_message() -> str:
    return _("Too many codes were asked for. Wait an hour and try again, or ask an officer for help.")


@portal_page
@sensitive_post_parameters("number")
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = NumberForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        row = services.code_request(
            number=form.cleaned_data["number"],
            address=throttle.client_address(request),
            language=translation.get_language() or PAGE_LANGUAGE,
        )
        if not row.throttled:
            refugee_session.pending_begin(request, row.pk)
            return redirect("portal:code")
        form.add_error(None, _throttled_message())
        status = 429
    context = {"form": form, "session_ended": refugee_session.ended(request)}
    return _render(request, "portal/start.html", context, status=status)


def _refusal(verdict: Verdict, tries_left: int) -> str:
    if verdict == Verdict.WRONG:
        return ngettext(
            "This code is not right. You can try %(tries)d more time.",
            "This code is not right. You can try %(tries)d more times.",
            tries_left,
        ) % {"tries": tries_left}
    if verdict == Verdict.LOCKED:
        return _("Too many wrong codes. Ask for a new code.")
    return _("This code is no longer valid. Ask for a new code.")


@portal_page
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    pending = refugee_session.pending(request)
    if pending is None:
        return redirect("portal:start")
    form = CodeForm(request.POST if request.method == "POST" else None)
    can_retry = True
    if form.is_bound and form.is_valid():
        check = services.code_verify(code_request_id=pending, code=form.cleaned_data["code"])
        if check.verdict == Verdict.VERIFIED and check.household_id is not None:
            refugee_session.begin(request, household_id=check.household_id, phone_id=check.phone_id)
            return redirect("portal:status")
        form.add_error(None, _refusal(check.verdict, check.tries_left))
        can_retry = check.verdict == Verdict.WRONG
    return _render(request, "portal/code.html", {"form": form, "can_retry": can_retry})


@refugee_page
@require_http_methods(["GET"])
def status(request: HttpRequest, current: refugee_session.RefugeeSession, household: Household) -> HttpResponse:
    overview = selectors.household_overview(actor=current.actor(), household=household)
    return _render(request, "portal/status.html", {"overview": overview})


@refugee_page
@require_POST
def callback(request: HttpRequest, current: refugee_session.RefugeeSession, household: Household) -> HttpResponse:
    _follow_up, created = services.callback_request(actor=current.actor(), household=household)
    if created:
        messages.success(request, _("Your request is recorded. A protection officer will call you."))
    else:
        messages.info(request, _("You have already asked for a call-back. A protection officer will call you."))
    return redirect("portal:status")


@refugee_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, current: refugee_session.RefugeeSession, household: Household) -> HttpResponse:
    adults = selectors.adults(household=household)
    form = WithdrawForm(request.POST if request.method == "POST" else None, adults=[(a.id, a.first_name) for a in adults])
    if form.is_bound and form.is_valid():
        individual = household.members.get(pk=form.cleaned_data["adult"])
        try:
            services.adult_withdraw(actor=current.actor(individual_id=individual.pk), individual=individual)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your consent is withdrawn, from now on. Nothing else changes for your household's registration. "
                    "A protection officer will call you."
                ),
            )
            return redirect("portal:status")
    return _render(request, "portal/withdraw.html", {"form": form, "household": household})


@portal_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    refugee_session.end(request)
    return redirect("portal:start")


# --- the messaging gateway's inbound webhook (portal/rapidpro.py) -------------------------------

WEBHOOK_SECRET_HEADER = "X-Sabeel-Webhook-Secret"  # noqa: S105 (a header's name, not a secret)
WEBHOOK_MAX_BYTES = 16 * 1024


def _webhook_fields(body: Any) -> tuple[str, str, str] | None:
    """(message id, URN, text) from a custom body (``message_id``/``id``, ``urn``, ``text``) or a
    RapidPro flow webhook's default body (``contact.urn``, ``input.text``, ``input.uuid`` or
    ``run.uuid``)."""
    if not isinstance(body, dict):
        return None
    def part(name: str) -> dict[str, Any]:
        found = body.get(name)
        return found if isinstance(found, dict) else {}

    contact, given, run = part("contact"), part("input"), part("run")
    message_id = body.get("message_id") or body.get("id") or given.get("uuid") or run.get("uuid")
    urn = body.get("urn") or given.get("urn") or contact.get("urn")
    text = body.get("text") if "text" in body else given.get("text")
    if not message_id or not isinstance(urn, str) or not isinstance(text, str):
        return None
    return str(message_id)[:200], urn[:64], text[:1000]


@csrf_exempt
@require_POST
def rapidpro_inbound(request: HttpRequest) -> HttpResponse:
    """A refugee's reply, posted by the messaging gateway: open to the internet, but only with the
    shared secret in the ``X-Sabeel-Webhook-Secret`` header (compared in constant time; 403
    otherwise, and always while no secret is configured). Answers the reply for the gateway to
    send (``{"outcome", "reply"}``); the message acts once, whatever the gateway retries."""
    from sabeel.portal.rapidpro import inbound_handle

    expected = str(getattr(settings, "SABEEL_RAPIDPRO_WEBHOOK_SECRET", "") or "")
    given = request.headers.get(WEBHOOK_SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "forbidden"}, status=403)
    if len(request.body) > WEBHOOK_MAX_BYTES:
        return JsonResponse({"error": "too_large"}, status=413)
    try:
        fields = _webhook_fields(json.loads(request.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        fields = None
    if fields is None:
        return JsonResponse({"error": "bad_request"}, status=400)
    message_id, urn, text = fields
    # The reply in the language the person wrote in (Arabic unless the text is plain ASCII).
    result = inbound_handle(message_id=message_id, urn=urn, text=text, language="en" if text.isascii() else "ar")
    return JsonResponse({"outcome": result.outcome, "reply": result.reply})
