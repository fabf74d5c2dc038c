"""Sign-in (password, then TOTP or a backup code), sign-out, API tokens. [being written]"""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from sabeel.core import audit


def sign_in(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        user = authenticate(request, username=request.POST.get("username", ""), password=request.POST.get("password", ""))
        device = match_token(user, request.POST.get("otp_token", "")) if user else None
        if user is not None and device is not None:
            login(request, user)
            otp_login(request, device)
            audit.record(actor=user, action="auth.signed_in")
            return redirect(request.GET.get("next") or "core:home")
        error = "invalid"
    return render(request, "core/sign_in.html", {"error": error})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request.user, action="auth.signed_out")
    logout(request)
    return redirect("core:sign_in")
