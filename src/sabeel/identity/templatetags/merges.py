"""On a household's page, the members' records that are merged into another (in effect, or waiting
for a protection officer) say so, with a link to the merge. One query for the whole household:

    {% household_merges household.pk as merges %} … {% merge_badge merges m.id %}

Ids only; the page that includes it is already scoped and audited.

``{% may_decide_merges as decides %}``: whether the signed-in officer may record the family
decisions on merges (the identity menu's link to their queue)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sabeel.core.actors import request_actor
from sabeel.core.permissions import can
from sabeel.identity.models import LinkState, PersonLink

register = template.Library()


@register.simple_tag
def household_merges(household_id: int) -> dict[int, tuple[int, str, int]]:
    """Member id → (link id, state, surviving record id) for the household's merged records."""
    rows = PersonLink.objects.filter(merged__household_id=household_id, state__in=[LinkState.ACTIVE, LinkState.PENDING])
    return {merged: (pk, state, survivor) for pk, merged, state, survivor in rows.values_list("pk", "merged_id", "state", "survivor_id")}


@register.simple_tag
def merge_badge(merges: Any, member_id: int) -> SafeString | str:
    found = merges.get(member_id) if isinstance(merges, dict) else None
    if found is None:
        return ""
    pk, state, survivor = found
    text = (
        _("merged into record %(id)s") if state == LinkState.ACTIVE else _("merge into record %(id)s waiting for a decision")
    ) % {"id": survivor}
    url = reverse("identity:merge_detail", kwargs={"pk": pk})
    return format_html(' · <a class="badge merge-{}" href="{}" data-testid="merged-{}">{}</a>', state, url, member_id, text)


@register.simple_tag(takes_context=True)
def may_decide_merges(context: dict[str, Any]) -> bool:
    request = context.get("request")
    if request is None:
        return False
    actor = request_actor(request)
    return actor.is_authenticated and can(actor, "consent.record")
