from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from sabeel.core.actors import request_actor
from sabeel.workgroups import selectors

router = Router(tags=["working groups"])


class WorkingGroupOut(Schema):
    id: int
    code: str
    name: str
    name_ar: str
    kind: str
    host_country: str | None
    time_zone: str


class MemberOut(Schema):
    user_id: int
    username: str
    display_name: str
    organisation: str
    role: str
    starts_on: dt.date
    ends_on: dt.date | None


@router.get("/", response=list[WorkingGroupOut])
def list_working_groups(request: HttpRequest) -> list[WorkingGroupOut]:
    actor = request_actor(request)
    return [WorkingGroupOut.from_orm(g) for g in selectors.working_group_list(actor=actor)]


@router.get("/{pk}", response=WorkingGroupOut)
def get_working_group(request: HttpRequest, pk: int) -> WorkingGroupOut:
    actor = request_actor(request)
    return WorkingGroupOut.from_orm(selectors.working_group_get(actor=actor, pk=pk))


@router.get("/{pk}/members", response=list[MemberOut])
def list_members(request: HttpRequest, pk: int) -> list[MemberOut]:
    actor = request_actor(request)
    group = selectors.working_group_get(actor=actor, pk=pk)
    return [
        MemberOut(
            user_id=m.user_id,
            username=m.user.username,
            display_name=m.user.display_name,
            organisation=m.organisation.name,
            role=m.role,
            starts_on=m.starts_on,
            ends_on=m.ends_on,
        )
        for m in selectors.membership_list(actor=actor, working_group=group)
    ]
