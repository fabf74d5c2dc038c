"""Every write on the voluntariness records: programmes and their rules, counselling, go-and-see
visits, per-adult consent, re-confirmation, withdrawal, consent to share data, best-interests
procedures, recorded splits, hostilities sign-offs and the protection officers' follow-ups.

Each service checks the actor first (``require``), refuses bad input with a translated message per
field, writes, and records the audit entry last (ids only). Nothing here ever changes the
household's registry record: eligibility is computed from these records when asked
(``consent.eligibility``), so a withdrawal counts the moment it is committed. Only side effects
that leave the database (the notification of a follow-up) wait for the commit."""

from __future__ import annotations

from sabeel.consent.services._common import RULE_FIELDS
from sabeel.consent.services._programmes import programme_create, programme_update
from sabeel.consent.services._records import (
    best_interests_complete,
    best_interests_record,
    consent_record,
    counselling_record,
    go_and_see_outcome_set,
    go_and_see_record,
    hostilities_sign_off_record,
    reconfirmation_record,
    sharing_consent_record,
    sharing_consent_withdraw,
    split_record,
)
from sabeel.consent.services._withdrawal import consent_withdraw, follow_up_callback_request, follow_up_close

__all__ = [
    "RULE_FIELDS",
    "best_interests_complete",
    "best_interests_record",
    "consent_record",
    "consent_withdraw",
    "counselling_record",
    "follow_up_callback_request",
    "follow_up_close",
    "go_and_see_outcome_set",
    "go_and_see_record",
    "hostilities_sign_off_record",
    "programme_create",
    "programme_update",
    "reconfirmation_record",
    "sharing_consent_record",
    "sharing_consent_withdraw",
    "split_record",
]
