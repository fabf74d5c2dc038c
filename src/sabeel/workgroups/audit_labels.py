"""Readable, translated labels for the action names written to the audit trail and the read log,
grouped for the auditor's filter, and for the keys of a row's ``data``.

Every action name the code writes (``audit.record``, ``audit.record_read`` and their helpers) has a
label here; ``workgroups/tests/test_audit_labels.py`` reads the source and fails for a new action
without one. Names made at run time follow patterns handled by ``action_label``:
``admin.<model>.<created|changed>`` (the admin site) and ``<scope>.exported`` / ``<scope>.searched``
(``audit.record_export`` and ``audit.record_search``). An unknown name is shown as it is.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ACTION_GROUPS",
    "ACTION_LABELS",
    "KEY_LABELS",
    "action_choices",
    "action_group",
    "action_label",
    "data_pairs",
    "key_label",
]

# The first part of an action name → the group it is listed under.
ACTION_GROUPS: dict[str, Promise] = {
    "auth": _("Sign-in and accounts"),
    "apitoken": _("Sign-in and accounts"),
    "user": _("Sign-in and accounts"),
    "membership": _("Memberships"),
    "admin": _("Administration"),
    "demo": _("Administration"),
    "audit": _("Audit trail"),
    "household": _("Registry"),
    "individual": _("Registry"),
    "registry": _("Registry"),
    "identity": _("Duplicates and merges"),
    "person": _("Reads of people's files"),
    "home": _("Reads of people's files"),
    "case": _("Protection cases"),
    "consent": _("Counselling and consent"),
    "intention": _("Counselling and consent"),
    "programme": _("Counselling and consent"),
    "portal": _("Refugee self-service"),
    "conditions": _("Area conditions"),
    "geo": _("Geography"),
    "sharing": _("Data sharing"),
    "reports": _("Reports"),
    "report": _("Reports"),
    "fund": _("Reconstruction fund"),
    "assistance": _("Return grants"),
    "monitoring": _("Post-return monitoring"),
    "movement": _("Movements"),
}
_OTHER_GROUP = _("Other")

ACTION_LABELS: dict[str, Promise] = {
    # sign-in and accounts
    "auth.signed_in": _("Signed in"),
    "auth.signed_out": _("Signed out"),
    "auth.sign_in_failed": _("Sign-in refused"),
    "auth.sign_in_throttled": _("Sign-in slowed down after failures"),
    "auth.session_expired": _("Session expired"),
    "auth.password_changed": _("Password changed"),
    "auth.otp_enrolled": _("Second factor set up"),
    "auth.otp_device_reset": _("Second factor reset"),
    "auth.backup_codes_generated": _("Backup codes generated"),
    "apitoken.created": _("API token created"),
    "apitoken.revoked": _("API token revoked"),
    "user.deactivated": _("User deactivated"),
    # memberships and administration
    "membership.requested": _("Membership requested"),
    "membership.approved": _("Membership approved"),
    "membership.ended": _("Membership ended"),
    "admin.user.password_set": _("Admin site: password set"),
    "demo.loaded": _("Demonstration data loaded"),
    # the trail itself
    "audit.reads_sealed": _("Read log sealed into the trail"),
    "audit.exported": _("Audit trail exported"),
    # registry
    "household.created": _("Household registered"),
    "household.updated": _("Household corrected"),
    "household.closed": _("Household file closed"),
    "household.reopened": _("Household file reopened"),
    "household.deregistered_verified": _("Household file closed: verified return"),
    "household.deregistered_presumed": _("Household file closed: presumed return"),
    "household.head_changed": _("Head of household changed"),
    "household.member_added": _("Member added"),
    "household.member_removed": _("Member removed"),
    "household.member_moved": _("Member moved to another household"),
    "household.member_exit_recorded": _("Member's exit recorded"),
    "household.departure_confirmed": _("Departure confirmed"),
    "individual.updated": _("Person corrected"),
    "individual.presence_set": _("Presence recorded"),
    "individual.birth_date_change_proposed": _("Birth date change proposed"),
    "individual.birth_date_change_confirmed": _("Birth date change confirmed"),
    "individual.birth_date_change_rejected": _("Birth date change rejected"),
    "registry.synth_loaded": _("Synthetic registry loaded"),
    "registry.households_listed": _("Household list read"),
    # duplicate runs and the review queue (identity)
    "identity.run_started": _("Duplicate run started"),
    "identity.run_finished": _("Duplicate run finished"),
    "identity.run_failed": _("Duplicate run failed"),
    "identity.run_stopped": _("Duplicate run stopped"),
    "identity.pairs_listed": _("Review queue of possible duplicates read"),
    "identity.pairs_listed_api": _("Review queue of possible duplicates read (API)"),
    "identity.pair_viewed": _("Possible duplicate pair read"),
    "identity.pair_decided": _("Decision on a possible duplicate recorded"),
    # merges of two records of one person (identity, docs/eligibility.md rule 18)
    "identity.merged": _("Two records of one person merged"),
    "identity.merge_decided": _("Family decision on a merge across households recorded"),
    "identity.unmerged": _("Merge of two records undone"),
    "identity.merge_viewed": _("Merge of two records read"),
    "identity.merge_viewed_api": _("Merge of two records read (API)"),
    "identity.merge_pair_viewed": _("Two records compared before a merge"),
    "identity.merge_person_viewed": _("Merges of a record read"),
    "identity.merges_pending_listed_api": _("Merges waiting for a decision listed (API)"),
    # reads of people's files
    "person.viewed": _("File opened"),
    "person.printed": _("File printed"),
    "person.history_viewed": _("File history read"),
    "person.searched": _("People searched"),
    "home.verifications_listed": _("Pending verifications read"),
    # protection cases
    "case.assigned": _("Case assigned"),
    "case.break_glass": _("Case opened by another officer (break-glass)"),
    # counselling and consent
    "consent.counselling_recorded": _("Counselling recorded"),
    "consent.go_and_see_recorded": _("Go-and-see visit recorded"),
    "consent.go_and_see_outcome": _("Go-and-see outcome recorded"),
    "consent.recorded": _("Consent recorded"),
    "consent.reconfirmed": _("Consent re-confirmed"),
    "consent.withdrawn": _("Consent withdrawn"),
    "consent.sharing_recorded": _("Data-sharing consent recorded"),
    "consent.sharing_withdrawn": _("Data-sharing consent withdrawn"),
    "consent.best_interests_recorded": _("Best-interests procedure recorded"),
    "consent.best_interests_completed": _("Best-interests procedure completed"),
    "consent.split_recorded": _("Family split recorded"),
    "consent.hostilities_signed_off": _("Active-hostilities sign-off recorded"),
    "consent.callback_requested": _("Call-back requested"),
    "consent.follow_up_closed": _("Follow-up closed"),
    "consent.follow_ups_listed": _("Follow-up list read"),
    "consent.consents_listed": _("Consents read"),
    "consent.counselling_listed": _("Counselling sessions read"),
    "consent.withdrawals_listed": _("Withdrawals read"),
    "consent.eligibility_viewed": _("Eligibility verdict read"),
    "consent.timeline_viewed": _("Consent timeline read"),
    "consent.printed": _("Consent form printed"),
    "consent.intentions_imported": _("Intention survey imported"),
    "consent.intentions_import_stopped": _("Intention survey import stopped"),
    "consent.intentions_import_refused": _("Intention survey import refused"),
    "consent.intentions_pulled": _("Intention survey pulled"),
    "consent.intentions_pull_failed": _("Intention survey pull failed"),
    "consent.pull_source_created": _("Survey source added"),
    "consent.pull_source_changed": _("Survey source changed"),
    "consent.dead_letter_retried": _("Rejected submission retried"),
    "intention.recorded": _("Return intention recorded"),
    "programme.created": _("Return programme created"),
    "programme.changed": _("Return programme changed"),
    # refugee self-service
    "portal.code_requested": _("Self-service code requested"),
    "portal.code_verified": _("Self-service code accepted"),
    "portal.code_failed": _("Self-service code refused"),
    "portal.code_throttled": _("Self-service code requests slowed down"),
    "portal.status_viewed": _("Own status read (self-service)"),
    "portal.withdrawal_made": _("Withdrawal made (self-service)"),
    "portal.callback_requested": _("Call-back requested (self-service)"),
    # area conditions and geography
    "conditions.recorded": _("Area conditions recorded"),
    "conditions.observed": _("Observed entry added to the area conditions"),
    "conditions.package_versioned": _("Information package versioned"),
    "geo.crossing_operations_set": _("Crossing opening days and capacity set"),
    "geo.gazetteer_loaded": _("Gazetteer loaded"),
    "geo.reference_loaded": _("Geographic reference data loaded"),
    "geo.site_created": _("Site created"),
    "geo.site_updated": _("Site updated"),
    # the joint reconstruction fund
    "fund.rate_recorded": _("Exchange rate recorded"),
    "fund.donor_recorded": _("Donor recorded"),
    "fund.implementer_recorded": _("Implementer recorded"),
    "fund.pledge_recorded": _("Pledge recorded"),
    "fund.receipt_recorded": _("Cash received into the fund"),
    "fund.project_recorded": _("Project recorded"),
    "fund.commitment_recorded": _("Commitment to a project recorded"),
    "fund.disbursement_recorded": _("Disbursement recorded"),
    "fund.expenditure_recorded": _("Expenditure reported"),
    "fund.transaction_reversed": _("Ledger transaction reversed"),
    "fund.progress_recorded": _("Project progress recorded"),
    "fund.portfolio_run_started": _("Portfolio optimisation started"),
    "fund.portfolio_approved": _("Portfolio proposal approved"),
    "fund.service_observed": _("Service observed after a completed project"),
    "fund.iati_exported": _("IATI file exported"),
    # return grants and post-return monitoring
    "assistance.rule_created": _("Return grant rule created"),
    "assistance.payment_run_started": _("Payment run started"),
    "assistance.payment_run_finished": _("Payment run finished"),
    "assistance.payment_file_exported": _("Payment file exported"),
    "assistance.results_imported": _("Payment results imported"),
    "assistance.payment_reissued": _("Failed payment re-issued"),
    "monitoring.assigned": _("Household assigned to a monitor"),
    "monitoring.unassigned": _("Household no longer assigned to a monitor"),
    "monitoring.visit_recorded": _("Monitoring visit recorded"),
    "monitoring.incident_followed_up": _("Incident followed up"),
    "monitoring.findings_written": _("Monitoring findings written to the area conditions"),
    # data sharing
    "sharing.agreement_created": _("Data-sharing agreement created"),
    "sharing.agreement_updated": _("Data-sharing agreement changed"),
    "sharing.agreement_revoked": _("Data-sharing agreement revoked"),
    "sharing.token_created": _("Partner API token created"),
    "sharing.token_revoked": _("Partner API token revoked"),
    "sharing.shared": _("Data shared under an agreement"),
    "sharing.export_downloaded": _("Shared export downloaded"),
    "sharing.log_exported": _("Data-sharing log exported"),
    # reports and messaging
    "report.exported": _("Aggregate report exported"),
    "portal.sms_received": _("Text message received"),
    # movements
    "movement.departure_point_created": _("Departure point created"),
    "movement.route_set": _("Route to a crossing set"),
    "movement.reception_capacity_set": _("Reception capacity set"),
    "movement.crossing_closed": _("Crossing closure recorded"),
    "movement.request_set": _("Movement request recorded"),
    "movement.flags_set": _("Movement flags set"),
    "movement.plan_run_started": _("Plan run started"),
    "movement.plan_made": _("Plan made"),
    "movement.plan_approved": _("Plan approved"),
    "movement.plan_cancelled": _("Plan cancelled"),
    "movement.checked_in": _("Departure check-in recorded"),
    "movement.vehicle_seats_set": _("Vehicle seats set"),
    "movement.crossed": _("Crossing confirmed"),
    "movement.arrived": _("Arrival confirmed"),
    "movement.self_organised_return_recorded": _("Self-organised return recorded"),
    "movement.manifest_printed": _("Manifest printed or downloaded"),
    "movement.manifest_read": _("Manifest read"),
    "movement.manifest_print_read": _("Manifest read to print"),
    "movement.manifest_share_read": _("Manifest read to hand over"),
    "movement.check_in_list_read": _("Check-in list read"),
}

# Keys of a row's ``data`` (ids, counts and codes only).
KEY_LABELS: dict[str, Promise] = {
    "reason": _("Reason"),
    "factor": _("Second factor"),
    "stage": _("Stage"),
    "role": _("Role"),
    "status": _("Status"),
    "outcome": _("Outcome"),
    "version": _("Version"),
    "changed_fields": _("Changed fields"),
    "fields": _("Fields"),
    "household_id": _("Household"),
    "individual_id": _("Person"),
    "individual_ids": _("People"),
    "user_id": _("User"),
    "row_ids": _("Rows shown"),
    "row_ids_hmac": _("Rows shown (keyed digest)"),
    "row_count": _("Rows"),
    "people_count": _("People"),
    "query_hmac": _("Search (keyed digest)"),
    "agreement_id": _("Agreement"),
    "run_id": _("Run"),
    "working_group_id": _("Working group"),
    "actor": _("Actor"),
    "action": _("Action"),
    "date_from": _("From"),
    "date_to": _("To"),
    "target_type": _("Target type"),
    "target_id": _("Target id"),
    "log": _("Log"),
    "after_read_id": _("After read"),
    "last_read_id": _("Up to read"),
    "read_count": _("Reads"),
    "digest_hmac": _("Digest"),
    "consent_id": _("Consent"),
    "withdrawal_id": _("Withdrawal"),
    "reconfirmation_id": _("Re-confirmation"),
    "sharing_consent_id": _("Data-sharing consent"),
    "follow_up_id": _("Follow-up"),
    "visit_id": _("Go-and-see visit"),
    "procedure_id": _("Best-interests procedure"),
    "split_id": _("Family split"),
    "sign_off_id": _("Sign-off"),
    "programme_id": _("Return programme"),
    "intention_id": _("Return intention"),
    "pull_source_id": _("Survey source"),
    "dead_letter_id": _("Rejected submission"),
    "information_package_id": _("Information package"),
    "admin_unit_id": _("Administrative unit"),
    "crossing_id": _("Border crossing"),
    "destination_id": _("Destination"),
    "from_household_id": _("From household"),
    "to_household_id": _("To household"),
    "departure_id": _("Departure"),
    "change_id": _("Change"),
    "superseded_id": _("Replaces"),
    "break_glass_id": _("Break-glass opening"),
    "officer_id": _("Officer"),
    "requested_by_id": _("Requested by"),
    "token_id": _("Token"),
    "token_ids": _("Tokens"),
    "share_id": _("Share"),
    "organisation_ids": _("Organisations"),
    "session_id": _("Session"),
    "device_id": _("Device"),
    "created_count": _("Created"),
    "refused_count": _("Refused"),
    "already_imported_count": _("Already imported"),
    "rows_count": _("Rows"),
    "code_count": _("Codes"),
    "person_ids_hmac": _("People (keyed digest)"),
    "username_hmac": _("Username (keyed digest)"),
    "address_hmac": _("Network address (keyed digest)"),
    "file_digest": _("File digest"),
    "channel": _("Channel"),
    "kind": _("Kind"),
    "presence": _("Presence"),
    "is_active": _("Active"),
    "threshold": _("Threshold"),
    "opening_days": _("Opening days"),
    "daily_capacity": _("Daily capacity"),
    "expires_in_days": _("Expires in (days)"),
    "categories": _("Data categories"),
    "starts_on": _("Starts on"),
    "changes": _("Changes"),
    "failure": _("Failure"),
    "linkage_run_id": _("Duplicate run"),
    "model_from_run_id": _("Model from run"),
    "pair_id": _("Pair"),
    "pair_ids": _("Pairs shown"),
    "list_record_ids": _("Rows of the list"),
    "decision": _("Decision"),
    "previous": _("Previous decision"),
    "with_note": _("With a note"),
    "records_count": _("Records compared"),
    "pairs_likely_count": _("Likely pairs"),
    "pairs_uncertain_count": _("Uncertain pairs"),
    "clusters_count": _("Clusters"),
    "decisions_carried_count": _("Decisions carried over from earlier runs"),
    "model_trained_count": _("Model trained"),
    "link_id": _("Merge"),
    "link_ids": _("Merges"),
    "merged_id": _("Merged record"),
    "survivor_id": _("Surviving record"),
    "household_ids": _("Households"),
    "state": _("State"),
    "plan_id": _("Plan"),
    "placement_id": _("Placement"),
    "vehicle_id": _("Vehicle"),
    "departure_point_id": _("Departure point"),
    "return_id": _("Self-organised return"),
    "priority_tier": _("Priority tier"),
    "needs_medical_vehicle": _("Needs a medical-fit vehicle"),
    "travel_minutes": _("Travel time (minutes)"),
    "persons_per_day": _("Persons a day"),
    "placed": _("Placed"),
    "left_out_at_approval": _("Left out at approval"),
    "solver_killed": _("Solver stopped at its time limit"),
    "format": _("Format"),
    "language": _("Language"),
    "seats": _("Seats"),
    "date": _("Date"),
}


def _model_name(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


def action_label(action: str) -> str:
    """The readable label of an action name, in the active language."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    parts = action.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in ("created", "changed"):
        what = _model_name(parts[1])
        if parts[2] == "created":
            return gettext("Admin site: %(what)s created") % {"what": what}
        return gettext("Admin site: %(what)s changed") % {"what": what}
    if len(parts) == 2 and parts[1] == "exported":
        return gettext("Person-level list exported (%(scope)s)") % {"scope": parts[0]}
    if len(parts) == 2 and parts[1] == "searched":
        return gettext("Searched (%(scope)s)") % {"scope": parts[0]}
    return action


def action_group(action: str) -> str:
    """The translated group an action is listed under (by its first part)."""
    return str(ACTION_GROUPS.get(action.split(".", 1)[0], _OTHER_GROUP))


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action filter's choices, grouped (``<optgroup>``), each group sorted by its label."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for name in ACTION_LABELS:
        grouped.setdefault(action_group(name), []).append((name, action_label(name)))
    return [(group, sorted(items, key=lambda item: item[1])) for group, items in sorted(grouped.items())]


def key_label(key: str) -> str:
    label = KEY_LABELS.get(key)
    if label is not None:
        return str(label)
    return key.replace("_", " ").capitalize()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "; ".join(f"{key_label(str(k))}: {_value(v)}" for k, v in value.items())
    return str(value)


def data_pairs(data: Any) -> list[tuple[str, str]]:
    """A row's ``data`` as (readable key, readable value) pairs, in the row's order."""
    if not isinstance(data, dict):
        return [] if data in (None, "", [], {}) else [("", _value(data))]
    return [(key_label(str(key)), _value(value)) for key, value in data.items()]
