"""The error pages (403, 404, 500, CSRF failure): in the layout, in the request's language, with a
way back home, and never echoing what the request carried (its path, query string or form).

The Arabic comes from the project catalogue (``locale/ar/LC_MESSAGES/django.po``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from sabeel.config import errors
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES" / "django.po"
SECRET = "Layla-Haddad"  # stands for a name typed into a URL or a form


@pytest.fixture
def arabic() -> Any:
    """The pages in Arabic come from the project catalogue; nothing to set up (kept as a marker)."""
    yield


def _ar_client(**kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    return client


def _home_link(page: str) -> bool:
    return 'data-testid="home-link"' in page and 'href="/"' in page


# --- 403 -----------------------------------------------------------------------------------------


def test_a_donor_opening_the_registry_gets_the_403_page_with_roles_and_a_way_home(client, cast):
    sign_in(client, cast["lb_donor_viewer"])
    response = client.get("/registry/", {"q": SECRET})

    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-403"' in page and 'class="topbar"' in page  # inside the layout
    assert "You cannot open this page" in page
    assert f"You are signed in as <bdi>{cast['lb_donor_viewer']}</bdi>." in page
    assert "Donor or sponsor viewer" in page and cast.groups["lb"].name in page
    assert "ask your administrator" in page
    assert _home_link(page)
    assert SECRET not in page and "q=" not in page and "/registry/" not in page


def test_the_403_page_in_arabic(arabic, cast):
    client = _ar_client()
    sign_in(client, cast["lb_donor_viewer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    page = client.get("/registry/").content.decode()

    assert 'lang="ar" dir="rtl"' in page
    assert "لا يمكنك فتح هذه الصفحة" in page
    assert "العودة إلى الصفحة الرئيسية" in page
    assert "You cannot open this page" not in page


def test_the_403_page_does_not_say_whether_a_record_exists(client, cast):
    """A page refused by role looks the same whatever it was asked about."""
    sign_in(client, cast["lb_donor_viewer"])
    import re

    def page(url: str) -> str:  # the page's own content (the menu marks the section asked for)
        return re.sub(r"(?s).*<main>|</main>.*", "", client.get(url).content.decode())

    assert page("/registry/") == page("/groups/audit/")


# --- 404 -----------------------------------------------------------------------------------------


def test_an_unknown_address_gets_the_404_page_without_echoing_it(client, cast):
    sign_in(client, cast["lb_registration_officer"])
    response = client.get(f"/no-such-page/{SECRET}/", {"name": SECRET})

    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-404"' in page and 'class="topbar"' in page
    assert "This page is not here" in page and _home_link(page)
    assert SECRET not in page and "no-such-page" not in page


def test_the_404_page_for_anonymous_visitors_and_in_arabic(arabic):
    english = Client().get("/nowhere/")
    arabic_page = _ar_client().get("/nowhere/").content.decode()

    assert english.status_code == 404 and "This page is not here" in english.content.decode()
    assert 'dir="rtl"' in arabic_page and "هذه الصفحة غير موجودة" in arabic_page


def test_a_record_of_another_group_gets_the_same_404_page(client, cast):
    sign_in(client, cast["jo_registration_officer"])
    response = client.get(f"/groups/{cast.groups['lb'].pk}/")
    assert response.status_code in (403, 404)
    page = response.content.decode()
    assert cast.groups["lb"].name not in page
    assert _home_link(page)


# --- CSRF ----------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_gets_the_translated_csrf_page(cast):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast["lb_registration_officer"])

    response = client.post("/sign-out/", {"note": SECRET})

    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-csrf"' in page and "The form has expired" in page and _home_link(page)
    assert SECRET not in page
    assert "cookie not set" not in page and "Referer" not in page  # the reason is logged, not shown


def test_the_csrf_page_in_arabic(arabic):
    client = _ar_client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": SECRET})
    page = response.content.decode()
    assert response.status_code == 403
    assert 'dir="rtl"' in page and "انتهت صلاحية النموذج" in page and SECRET not in page


# --- 500 -----------------------------------------------------------------------------------------


def test_the_500_handler_renders_without_the_database(arabic):
    request = RequestFactory().get("/", {"name": SECRET})
    no_query = mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=AssertionError("no query"))
    with no_query, translation.override("ar"):
        response = errors.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert 'lang="ar" dir="rtl"' in page and "حدث خطأ" in page
    assert 'data-testid="home-link"' in page and SECRET not in page


def test_a_failing_page_returns_the_500_page_in_the_layout_of_the_language(client, cast):
    client.raise_request_exception = False
    sign_in(client, cast["lb_auditor"])
    with mock.patch("sabeel.workgroups.selectors.audit_entries", side_effect=RuntimeError(SECRET)):
        response = client.get("/groups/audit/")
    page = response.content.decode()
    assert response.status_code == 500
    assert 'data-testid="error-500"' in page and "Something went wrong" in page and 'lang="en" dir="ltr"' in page
    assert SECRET not in page and 'href="/"' in page


# --- the catalogue -------------------------------------------------------------------------------


def test_every_string_of_the_error_pages_is_in_the_arabic_fragment():
    import re

    templates = Path(settings.TEMPLATES[0]["DIRS"][0])
    wanted: set[str] = set()
    for name in ("403.html", "404.html", "500.html", "403_csrf.html"):
        text = (templates / name).read_text(encoding="utf-8")
        wanted |= set(re.findall(r'{% translate "([^"]+)" %}', text))
        wanted |= set(re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", text))
    fragment = re.sub(r'"\n"', "", CATALOGUE.read_text(encoding="utf-8"))
    wanted = {re.sub(r"{{ (\w+) }}", r"%(\1)s", w) for w in wanted} - {"Sabeel"}  # "Sabeel" is in the catalogue
    missing = [w for w in wanted if f'msgid "{w}"' not in fragment]
    assert not missing
