"""The menu shows only what the user may open: for every persona, every link in its menu answers
(through the project's own URLconf), and every item it does not get is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from sabeel.config.menu import MENU, visible_items
from sabeel.core.actors import as_actor
from sabeel.workgroups.testing import Cast, sign_in

pytestmark = pytest.mark.django_db

PERSONAS = [
    *(f"lb_{role}" for role in (
        "registration_officer",
        "protection_officer",
        "movement_officer",
        "finance_officer",
        "coordinator",
        "donor_viewer",
        "monitor",
        "auditor",
        "administrator",
    )),
    "jrg_reconstruction_planner",
    "jrg_finance_officer",
    "jrg_donor_viewer",
    "jrg_auditor",
    "platform_admin",
    "outsider",
]
# The one page a hidden item leads to that still answers: the token page lists one's own tokens
# (none for a user without a membership, who may not create any).
OPEN_TO_ANY_SIGNED_IN = {"tokens"}
MENU_LINK = re.compile(r'<a href="([^"]+)" data-menu="(\w+)"')


def _menu_of(client: Client) -> dict[str, str]:
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    return {key: url for url, key in MENU_LINK.findall(page.content.decode())}


def _resolvable() -> dict[str, str]:
    urls = {}
    for item in MENU:
        try:
            urls[item.key] = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a page another part has not built yet: never shown
    return urls


@pytest.mark.parametrize("username", PERSONAS)
def test_every_visible_link_answers_and_every_hidden_one_is_refused(cast: Cast, username: str) -> None:
    client = sign_in(Client(), cast[username])
    shown = _menu_of(client)
    assert shown == {item.key: item.url for item in visible_items(as_actor(cast[username]))}
    for key, url in shown.items():
        assert client.get(url).status_code == 200, f"{username}: menu item {key} ({url})"
    for key, url in _resolvable().items():
        if key in shown or key in OPEN_TO_ANY_SIGNED_IN:
            continue
        status = client.get(url).status_code
        # The admin sends a signed-in non-superuser to the sign-in page; every other page refuses.
        assert status in ((302,) if key == "admin" else (403, 404)), f"{username}: hidden item {key} answers {status}"


def test_a_donor_gets_figures_not_the_registry(cast: Cast) -> None:
    shown = _menu_of(sign_in(Client(), cast["lb_donor_viewer"]))
    assert "registry" not in shown and "follow_ups" not in shown and "audit" not in shown
    assert "home" in shown


def test_an_auditor_gets_the_audit_trail_and_no_person_level_page(cast: Cast) -> None:
    shown = _menu_of(sign_in(Client(), cast["lb_auditor"]))
    assert shown["audit"] == reverse("workgroups:audit")
    assert not {"registry", "follow_ups", "imports"} & shown.keys()


def test_officers_get_their_work_and_not_the_audit_trail(cast: Cast) -> None:
    registrar = _menu_of(sign_in(Client(), cast["lb_registration_officer"]))
    protection = _menu_of(sign_in(Client(), cast["lb_protection_officer"]))
    assert "registry" in registrar and "imports" in registrar and "follow_ups" not in registrar
    assert "follow_ups" in protection and "audit" not in protection and "admin" not in protection


def test_only_a_superuser_gets_the_administration(cast: Cast) -> None:
    assert "admin" in _menu_of(sign_in(Client(), cast["platform_admin"]))
    assert "admin" not in _menu_of(sign_in(Client(), cast["lb_administrator"]))


def test_the_current_page_is_marked(cast: Cast) -> None:
    client = sign_in(Client(), cast["lb_registration_officer"])
    page = client.get(reverse("registry:household_list")).content.decode()
    assert f'<a href="{reverse("registry:household_list")}" data-menu="registry" aria-current="page">' in page
    assert 'data-menu="home" aria-current="page"' not in page


def test_no_menu_before_the_second_factor(cast: Cast) -> None:
    client = Client()
    client.force_login(cast["lb_registration_officer"])  # password only: no verified device
    page = client.get(reverse("core:sign_in_code"), follow=True).content.decode()
    assert "data-menu=" not in page


def test_an_ended_membership_takes_its_items_away_at_once(cast: Cast) -> None:
    from sabeel.workgroups.models import Membership

    client = sign_in(Client(), cast["lb_auditor"])
    assert "audit" in _menu_of(client)
    membership = Membership.objects.get(user=cast["lb_auditor"])
    membership.ends_on = membership.starts_on
    membership.is_active = False
    membership.save()
    assert "audit" not in _menu_of(client)


def test_the_menu_collapses_behind_a_summary(cast: Cast) -> None:
    page = sign_in(Client(), cast["lb_registration_officer"]).get(reverse("core:home")).content.decode()
    menu = page[page.index('<details class="menu"') : page.index("</details>")]
    assert '<summary class="menu-toggle"' in menu and 'data-menu="registry"' in menu
