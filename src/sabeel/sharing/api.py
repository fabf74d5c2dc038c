"""The partner API, mounted at ``/api/sharing``: what an outside party holding a partner token
(``AgreementToken``, owned by an agreement, not a person) may fetch.

Only partner tokens authenticate here (``PartnerTokenAuth``), and partner tokens authenticate
nowhere else (the project's ``TokenAuth`` knows personal ``sbl_`` tokens only, so ``sbp_`` ones
answer 401 on every other endpoint). A token works while it is unrevoked and unexpired *and* its
agreement is active and in force, checked at every call. An answer holds exactly what the
agreement covers: its working group's current household members, its field groups, consenting
people only where it requires consent; every call is one entry in the share log.
"""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer

from sabeel.core.roles import FieldGroup
from sabeel.registry.models import Household
from sabeel.sharing.choices import ShareKind
from sabeel.sharing.exports import people_for, person_rows
from sabeel.sharing.models import AgreementToken
from sabeel.sharing.services import agreement_token_use, partner_actor, share_record

MAX_PAGE = 500


class PartnerTokenAuth(HttpBearer):
    """A partner token (``sbp_…``) of an agreement in force; the token becomes ``request.auth``."""

    def authenticate(self, request: HttpRequest, token: str) -> AgreementToken | None:
        return agreement_token_use(token)


router = Router(tags=["sharing (partners)"], auth=PartnerTokenAuth())


class PageIn(Schema):
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class PartnerExportOut(Schema):
    agreement: str
    categories: list[str]
    total: int
    offset: int
    limit: int
    people: list[dict[str, Any]]


@router.get("/export/households", response=PartnerExportOut, summary="Household members covered by the token's agreement")
def partner_households(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    token: AgreementToken = request.auth  # type: ignore[attr-defined]
    agreement = token.agreement
    groups = frozenset(FieldGroup(c) for c in agreement.categories) - {FieldGroup.PROTECTION_CASE}
    households = Household.objects.filter(working_group_id=agreement.working_group_id)
    people = people_for(agreement=agreement, households=households, groups=groups, recipient=token.recipient)
    total = people.count()
    ids = list(people.values_list("pk", flat=True)[page.offset : page.offset + page.limit])
    rows = person_rows(ids, groups)
    share_record(
        actor=partner_actor(token),
        kind=ShareKind.API,
        agreement=agreement,
        recipient=token.recipient,
        individual_ids=ids,
        categories=sorted(g.value for g in groups),
        token=token,
    )
    return {
        "agreement": agreement.reference,
        "categories": sorted(g.value for g in groups),
        "total": total,
        "offset": page.offset,
        "limit": page.limit,
        "people": rows,
    }
