"""Staff sign-in in two steps (password, then a code from the authenticator app or a backup
code), enrolment of the app, backup codes, sign-out and personal API tokens.

Between the two steps the session holds only the id of the user whose password was right (for
``PENDING_SECONDS``); the user is signed in, and the session stamped, once the code is right.
Every failure counts towards the throttle (``sabeel.core.throttle``) and is audited without the
username: the account's id when the account exists, a keyed hash of what was typed otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from sabeel.core import audit, otp, throttle
from sabeel.core.actors import ANONYMOUS, as_actor, request_actor
from sabeel.core.middleware import SESSION_EXPIRED, mark_signed_in
from sabeel.core.permissions import can
from sabeel.core.tokens import (
    DEFAULT_EXPIRY_DAYS,
    EXPIRY_DAYS,
    api_token_create,
    api_token_get,
    api_token_list,
    api_token_revoke,
)
from sabeel.core.views_helpers import staff_view

PENDING_USER = "sabeel_pending_user_id"
PENDING_AT = "sabeel_pending_at"
PENDING_NEXT = "sabeel_pending_next"
PENDING_SECONDS = 10 * 60  # time to type the code, or to set up the app


class SignInForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, max_length=4096, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


# "90 days" in the language of the page that shows the choice: ``ngettext_lazy(...) % {...}`` at
# import time translated it once, in English, for every page
_days_lazy = lazy(_days, str)


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What the token is for"), max_length=100)
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        initial=DEFAULT_EXPIRY_DAYS,
        choices=[(d, _days_lazy(d)) for d in EXPIRY_DAYS],
    )


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int = 200


# --- sign-in, step 1: password ------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = _check_password(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if not isinstance(outcome, Refusal):
            _pending_begin(request, outcome, _next_url(request))
            return redirect("core:sign_in_code")
        form.add_error(None, outcome.message)
        status = outcome.status
    context = {
        "form": form,
        "next": _next_url(request),
        "expired": request.session.pop(SESSION_EXPIRED, None),
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
    }
    return render(request, "core/sign_in.html", context, status=status)


def _check_password(request: HttpRequest, username: str, password: str) -> Any:
    address = throttle.client_address(request)
    attempt = throttle.attempt_begin(username=username, address=address, stage=throttle.Stage.PASSWORD)
    if attempt.throttled:
        _audit_refusal("auth.sign_in_throttled", username=username, stage=throttle.Stage.PASSWORD, address=address)
        return Refusal(throttle.throttled_message(), status=429)
    # Unknown users, wrong passwords and deactivated users get the same answer (and the same work).
    user = authenticate(request, username=username, password=password)
    if user is None:
        _audit_refusal("auth.sign_in_failed", username=username, stage=throttle.Stage.PASSWORD, address=address)
        return Refusal(_("The username or password is not correct."))
    throttle.attempt_passed(attempt)
    return user


def _audit_refusal(action: str, *, username: str, stage: throttle.Stage, address: str | None) -> None:
    known = get_user_model().objects.filter(username=username).first()
    data: dict[str, Any] = {"stage": stage.value}
    if known is None:
        data["username_hmac"] = audit.keyed_hash(username, purpose="username")
    if address is not None:
        data["address_hmac"] = audit.keyed_hash(address, purpose="address")
    audit.record(actor=ANONYMOUS, action=action, target=known, data=data)


# --- sign-in, step 2: the code ------------------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("core:sign_in")
    if otp.confirmed_totp_device(user) is None:
        return redirect("core:otp_enrol")
    form = CodeForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = _check_code(request, user, form.cleaned_data["code"])
        if not isinstance(outcome, Refusal):
            device, factor = outcome
            return _finish_sign_in(request, user, device, factor)
        form.add_error(None, outcome.message)
        status = outcome.status
    return render(request, "core/sign_in_code.html", {"form": form}, status=status)


def _check_code(request: HttpRequest, user: Any, code: str, *, device: Any = None) -> Any:
    """(device, factor) when the code is right; for enrolment, ``device`` is the one being confirmed."""
    address = throttle.client_address(request)
    attempt = throttle.attempt_begin(username=user.get_username(), address=address, stage=throttle.Stage.CODE)
    if attempt.throttled:
        _pending_clear(request)
        _audit_refusal("auth.sign_in_throttled", username=user.get_username(), stage=throttle.Stage.CODE, address=address)
        return Refusal(throttle.throttled_message(), status=429)
    if device is not None:
        result = (device, otp.Factor.TOTP) if otp.enrolment_confirm(user=user, device=device, code=code) else None
    else:
        result = otp.verify_code(user, code)
    if result is None:
        _audit_refusal("auth.sign_in_failed", username=user.get_username(), stage=throttle.Stage.CODE, address=address)
        return Refusal(_("The code is not correct, or it has already been used."))
    throttle.attempt_signed_in(attempt)
    return result


def _finish_sign_in(request: HttpRequest, user: Any, device: Device, factor: otp.Factor) -> HttpResponse:
    next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
    _sign_in_session(request, user, device, factor)
    if factor == otp.Factor.BACKUP_CODE:
        left = otp.backup_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You signed in with a backup code. %(count)d backup code is left.",
                "You signed in with a backup code. %(count)d backup codes are left.",
                left,
            )
            % {"count": left},
        )
    return redirect(next_url)


def _sign_in_session(request: HttpRequest, user: Any, device: Device, factor: otp.Factor) -> None:
    _pending_clear(request)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    mark_signed_in(request)
    audit.record(actor=as_actor(user), action="auth.signed_in", target=user, data={"factor": factor.value})


# --- enrolment and backup codes -----------------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """A user whose password was right but who has no confirmed app yet: show the otpauth URI,
    confirm a code, then show the first backup codes once."""
    user = _pending_user(request)
    if user is None:
        return redirect("core:sign_in")
    if otp.confirmed_totp_device(user) is not None:
        return redirect("core:sign_in_code")
    device = otp.enrolment_device(user)
    form = CodeForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = _check_code(request, user, form.cleaned_data["code"], device=device)
        if not isinstance(outcome, Refusal):
            next_url = request.session.get(PENDING_NEXT) or reverse("core:home")
            _sign_in_session(request, user, device, otp.Factor.TOTP)
            codes = otp.backup_codes_generate(user=user)
            return render(request, "core/otp_backup_codes.html", {"codes": codes, "next": next_url, "enrolled": True})
        form.add_error(None, outcome.message)
        status = outcome.status
    context = {"form": form, "uri": otp.otpauth_uri(device), "secret": otp.secret_base32(device)}
    return render(request, "core/otp_enrol.html", context, status=status)


@never_cache
@staff_view
def otp_backup_codes(request: HttpRequest) -> HttpResponse:
    """GET: how many backup codes are left. POST: a new set, shown in this response only."""
    codes = otp.backup_codes_generate(user=request.user) if request.method == "POST" else None
    context = {"codes": codes, "left": otp.backup_codes_left(request.user), "next": reverse("core:home")}
    return render(request, "core/otp_backup_codes.html", context)


# --- sign-out -----------------------------------------------------------------------------------


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request_actor(request), action="auth.signed_out", target=request.user)
    logout(request)
    return redirect("core:sign_in")


# --- API tokens ---------------------------------------------------------------------------------


@never_cache
@staff_view
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; a new token's secret appears in the response that creates it only."""
    actor = request_actor(request)
    may_create = can(actor, "apitoken.manage")
    form = TokenForm(_posted(request))
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = api_token_create(actor=actor, **form.cleaned_data)
        form = TokenForm()
    context = {"form": form, "raw": raw, "tokens": api_token_list(actor=actor), "may_create": may_create, "now": timezone.now()}
    return render(request, "core/tokens.html", context)


@require_POST
@staff_view
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_actor(request)
    token = api_token_revoke(actor=actor, token=api_token_get(actor=actor, pk=pk))
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("core:tokens")


# --- helpers ------------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


def _pending_begin(request: HttpRequest, user: Any, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_AT] = timezone.now().timestamp()
    request.session[PENDING_NEXT] = next_url


def _pending_clear(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
        request.session.pop(key, None)


def _pending_user(request: HttpRequest) -> Any | None:
    """The active user whose password was right in this session, less than PENDING_SECONDS ago."""
    user_id, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT)
    if user_id is None or not isinstance(started, int | float):
        return None
    if timezone.now().timestamp() - started > PENDING_SECONDS:
        _pending_clear(request)
        messages.info(request, _("The sign-in took too long. Enter your password again."))
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        _pending_clear(request)
    return user



def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None
