"""The main menu: every item names the page and what the user needs to open it, so the menu shows
only links that answer (a donor sees no Registry link, an auditor sees the audit trail).

An item is shown when the user holds its ``action`` in any working group
(``core.permissions.can``) or, for pages not tied to a group's action (the Django admin), when its
``predicate`` says so. An item whose URL does not resolve (a page another part has not built yet)
is left out rather than breaking every page. ``config/context_processors.py`` hands the visible
items to ``base.html``; ``config/tests/test_menu.py`` opens every visible link as every persona.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sabeel.core.actors import Actor
from sabeel.core.permissions import can
from sabeel.workgroups.services import is_platform_administrator

Predicate = Callable[[Actor], bool]


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: Promise
    url_name: str
    action: str | None = None
    predicate: Predicate | None = None

    def allows(self, actor: Actor) -> bool:
        if self.action is not None and can(actor, self.action):
            return True
        return self.predicate is not None and self.predicate(actor)


@dataclass(frozen=True)
class VisibleItem:
    key: str
    label: str
    url: str
    current: bool


def _signed_in(actor: Actor) -> bool:
    return actor.is_authenticated


def _superuser(actor: Actor) -> bool:
    return actor.user is not None and is_platform_administrator(actor)


def _runs_or_configures_pulls(actor: Actor) -> bool:
    # Survey servers: officers who import answers, and the administrators who configure them.
    return can(actor, "person.update") or can(actor, "workgroup.manage")


def _finds_duplicates(actor: Actor) -> bool:
    # Duplicate runs and their review queues: officers who run them or review their pairs.
    return can(actor, "identity.run") or can(actor, "identity.review")


def _share_log_reader(actor: Actor) -> bool:
    # The data-sharing log is read by auditors and by the administrators who manage agreements.
    return can(actor, "audit.view") or can(actor, "agreement.manage")


MENU: tuple[MenuItem, ...] = (
    MenuItem("home", _("Home"), "core:home", predicate=_signed_in),
    MenuItem("registry", _("Registry"), "registry:household_list", action="person.view"),
    MenuItem("identity", _("Duplicates"), "identity:run_list", predicate=_finds_duplicates),
    MenuItem("follow_ups", _("Work queue"), "consent:follow_up_list", action="consent.record"),
    MenuItem("imports", _("Survey imports"), "consent:intention_import", action="person.update"),
    MenuItem("pull_sources", _("Survey servers"), "consent:pull_source_list", predicate=_runs_or_configures_pulls),
    MenuItem("movements", _("Movements"), "movements:index", action="movement.manage"),
    MenuItem("assistance", _("Return grants"), "assistance:index", action="assistance.manage"),
    MenuItem("monitoring", _("Post-return monitoring"), "monitoring:index", action="monitoring.record"),
    MenuItem("funnel", _("Return funnel"), "reports:funnel", action="aggregate.view"),
    MenuItem("fund", _("Reconstruction fund"), "fund:overview", action="fund.view"),
    MenuItem("audit", _("Audit trail"), "workgroups:audit", action="audit.view"),
    MenuItem("share_log", _("Data-sharing log"), "sharing:share_log", predicate=_share_log_reader),
    MenuItem("agreements", _("Agreements"), "sharing:agreement_list", action="agreement.manage"),
    MenuItem("groups", _("Working groups"), "workgroups:list", action="workgroup.view"),
    MenuItem("geography", _("Geography"), "geo:admin_unit_list", action="geo.view"),
    MenuItem("conditions", _("Area conditions"), "conditions:index", action="geo.view"),
    MenuItem("tokens", _("API tokens"), "core:tokens", action="apitoken.manage"),
    MenuItem("admin", _("Administration"), "admin:index", predicate=_superuser),
)


def optional_url(name: str) -> str | None:
    """The URL of ``name``, or None while that page does not exist yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def visible_items(actor: Actor, *, path: str = "") -> list[VisibleItem]:
    """The menu items ``actor`` may open, in menu order; ``current`` marks the one ``path`` is under."""
    items = []
    for item in MENU:
        if not item.allows(actor):
            continue
        url = optional_url(item.url_name)
        if url is None:
            continue
        current = path == url if url == "/" else bool(path) and path.startswith(url)
        items.append(VisibleItem(item.key, str(item.label), url, current=current))
    return items
