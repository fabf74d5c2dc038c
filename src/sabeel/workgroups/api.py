from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

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
    return [WorkingGroupOut.from_orm(g) for g in selectors.working_group_list(actor=request.user)]


@router.get("/{pk}", response=WorkingGroupOut)
def get_working_group(request: HttpRequest, pk: int) -> WorkingGroupOut:
    return WorkingGroupOut.from_orm(selectors.working_group_get(actor=request.user, pk=pk))


@router.get("/{pk}/members", response=list[MemberOut])
def list_members(request: HttpRequest, pk: int) -> list[MemberOut]:
    group = selectors.working_group_get(actor=request.user, pk=pk)
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
        for m in selectors.membership_list(actor=request.user, working_group=group)
    ]
