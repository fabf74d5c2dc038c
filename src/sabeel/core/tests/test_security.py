"""Security headers: a Content-Security-Policy on every response that htmx pages live with (no
inline script or style anywhere), nothing with a name in it kept by a cache, HSTS in production,
and ``manage.py check --deploy`` clean for the production settings."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

import sabeel
from sabeel.core.tokens import api_token_create
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

REPO = Path(sabeel.__file__).resolve().parents[2]
TEMPLATE_DIRS = [REPO / "src" / "sabeel" / "templates", *(REPO / "src" / "sabeel").glob("*/templates")]
# An inline script (a <script> without src, JSON data blocks aside), an inline style, a style
# attribute, an event-handler attribute, a javascript: URL, or the htmx features that need eval
# (hx-on, "js:" values, event filters in brackets).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+="
    r"|javascript:|\shx-on[:-]|hx-va(?:ls|rs)=['\"]\s*js:|hx-trigger=\"[^\"]*\[",
    re.IGNORECASE,
)


def _household(cast):  # type: ignore[no-untyped-def]
    from sabeel.registry.tests.factories import household_make

    return household_make(cast, "lb")


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


# --- Content-Security-Policy --------------------------------------------------------------------


def test_every_kind_of_response_carries_a_policy_that_allows_only_our_own_scripts(cast):
    officer = sign_in(Client(), cast["lb_registration_officer"])
    responses = {
        "sign-in page": Client().get(reverse("core:sign_in")),
        "home page": officer.get(reverse("core:home")),
        "htmx fragment": officer.post(reverse("registry:search"), {"q": "Mohamad"}, HTTP_HX_REQUEST="true"),
        "API answer": officer.get("/api/working-groups/"),
        "API refusal": Client().get("/api/working-groups/"),
        "self-service page": Client().get(reverse("portal:start")),
        "not found": officer.get("/no-such-page/"),
    }
    for what, response in responses.items():
        assert "Content-Security-Policy" in response, what
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], what
        assert policy["style-src"] == ["'self'"], what
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], what
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], what
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], what


def test_no_template_needs_an_inline_script_or_style():
    """The policy forbids them, so a template with one would silently lose its behaviour."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {match.group(0).strip()}"
        for directory in TEMPLATE_DIRS
        for path in sorted(directory.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in [INLINE.search(line)]
        if match
    ]
    assert not offenders, offenders


def test_htmx_pages_render_without_inline_script_and_with_htmx_styles_switched_off(cast):
    """The household page, the search page with its htmx results and a printable record, as the
    Lebanon registration officer sees them: htmx is loaded from our static files, its indicator
    style injection is off, and nothing inline is left for the policy to block."""
    household = _household(cast)
    officer = sign_in(Client(), cast["lb_registration_officer"])
    pages = [
        officer.get(reverse("registry:household_detail", args=[household.pk])),
        officer.get(reverse("registry:search")),
        officer.post(reverse("registry:search"), {"q": "Mohamad"}, HTTP_HX_REQUEST="true"),
        officer.get(reverse("registry:household_print", args=[household.pk])),
        officer.get(reverse("registry:household_create")),
    ]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        html = response.content.decode()
        assert not INLINE.search(html), (response.request["PATH_INFO"], INLINE.search(html))
    full = pages[0].content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in full
    assert re.search(r'<script src="/static/django_htmx/htmx-2[^"]*\.js"', full)
    assert re.search(r'<script src="/static/sabeel/sabeel\.js"', full)


# --- Cache-Control ------------------------------------------------------------------------------


def _no_store(response) -> bool:  # type: ignore[no-untyped-def]
    return "no-store" in response.get("Cache-Control", "")


def test_a_household_page_and_api_answers_are_never_stored(cast):
    household = _household(cast)
    officer = sign_in(Client(), cast["lb_registration_officer"])
    _token, raw = api_token_create(actor=cast["lb_registration_officer"], name="script")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    page = officer.get(reverse("registry:household_detail", args=[household.pk]))
    api = bearer.get(f"/api/registry/households/{household.pk}")
    refused = Client().get(f"/api/registry/households/{household.pk}")
    portal = Client().get(reverse("portal:start"))

    assert page.status_code == 200 and _no_store(page) and "private" in page["Cache-Control"]
    assert api.status_code == 200 and _no_store(api)
    assert refused.status_code == 401 and _no_store(refused)
    assert portal.status_code == 200 and _no_store(portal)


def test_static_files_keep_their_caching():
    response = Client().get(f"{settings.STATIC_URL}sabeel/sabeel.css")

    assert response.status_code == 200
    assert not _no_store(response)
    assert "max-age" in response["Cache-Control"]


# --- production ---------------------------------------------------------------------------------

PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "sabeel.config.settings.production",
    "SABEEL_SECRET_KEY": "p9-Kx2vQ7rTzL4mW8nB1cY6dF3hJ0sG5aE_uI-oP2qR7tV9wX4yZ1bN6mC8kL3jH5gD",
    "SABEEL_AUDIT_KEY": "a-long-audit-key-only-for-this-check-0123456789",
    "DATABASE_URL": "postgres://sabeel@127.0.0.1:5432/sabeel_deploy_check",
    "SABEEL_SMS_SENDER": "gateway.sms.Sender",
    "SABEEL_ALLOWED_HOSTS": "sabeel.example.org",
    "SABEEL_LOCAL_DIR": "/nonexistent",
}


def _production(*args: str) -> subprocess.CompletedProcess[str]:
    """Run in a fresh process with the production environment (the settings read it at import)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, *args], cwd=REPO, env=PRODUCTION_ENVIRONMENT, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_for_the_production_settings():
    result = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies():
    script = (
        "import sys; sys.path.insert(0, 'src'); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
    )
    result = _production("-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "False"]


def test_with_production_hsts_an_https_response_carries_the_header(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = Client().get(reverse("core:sign_in"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_production_settings_refuse_to_start_without_their_host_names():
    environment = {k: v for k, v in PRODUCTION_ENVIRONMENT.items() if k != "SABEEL_ALLOWED_HOSTS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=environment, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode != 0
    assert "SABEEL_ALLOWED_HOSTS" in result.stderr
