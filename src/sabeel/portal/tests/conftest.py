from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sabeel.registry.tests.factories import household_make


@pytest.fixture
def outbox(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SABEEL_SMS_OUTBOX = str(tmp_path / "sms-outbox.jsonl")
    settings.SABEEL_SMS_SENDER = "sabeel.portal.sms.FileSmsSender"
    return Outbox(Path(settings.SABEEL_SMS_OUTBOX))


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def last_code(self) -> str:
        messages = self.messages()
        assert messages, "no text message was sent"
        return str(messages[-1]["code"])


@pytest.fixture
def household(cast):  # type: ignore[no-untyped-def]
    """A Lebanese household (head Mohamad, spouse Fatima) whose phone is +9613123456."""
    return household_make(cast, "lb")


@pytest.fixture
def consenting_household(cast, household):  # type: ignore[no-untyped-def]
    """The household, counselled, with both adults' consent recorded by the Lebanon protection
    officer under Lebanon's return programme."""
    from sabeel.consent.services import consent_record, counselling_record, programme_create

    programme_create(
        actor=cast["lb_administrator"],
        working_group=cast.groups["lb"],
        name="Organised return from Lebanon",
        name_ar="العودة المنظمة من لبنان",
    )
    officer = cast["lb_protection_officer"]
    adults = list(household.members.order_by("pk"))
    counselling_record(actor=officer, household=household, language="ar", attendees=adults)
    for person in adults:
        consent_record(actor=officer, individual=person, free=True, informed=True, express=True)
    return household
