"""Decisions on candidate pairs: same person, different people, or unsure.

A decision needs ``identity.review`` in the run's working group. Every decision is kept
(``PairDecision``: who, when, the decision and an optional note); the latest one is the pair's
decision, copied onto the pair for the queue. One audit row per decision with the ids of the
pair, its run and its two records and the decision itself, never a name or the note's text.

Deciding "same" merges nothing: the merge is its own step (``identity:merge_confirm``, with
``identity.merge``), offered on the pair once it is decided "same".
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.identity.models import CandidatePair, Decision, PairDecision

__all__ = ["DECISIONS", "NOTE_MAX", "pair_decide"]

DECISIONS = (Decision.SAME, Decision.DIFFERENT, Decision.UNSURE)
NOTE_MAX = 500


@transaction.atomic
def pair_decide(*, actor: Actor, pair: CandidatePair, decision: str, note: str = "") -> PairDecision:
    """Record ``decision`` (``same``, ``different`` or ``unsure``) on ``pair`` and return it."""
    require(actor, "identity.review", pair.linkage_run)
    who = as_actor(actor)
    if who.user_id is None:
        raise ServiceError(_("A decision is made by a signed-in officer."))
    if decision not in DECISIONS:
        message = _("Choose: same person, different people, or unsure.")
        raise ServiceError(message, fields={"decision": [message]})
    note = note.strip()
    if len(note) > NOTE_MAX:
        message = _("The note is too long (at most %(max)d characters).") % {"max": NOTE_MAX}
        raise ServiceError(message, fields={"note": [message]})
    locked = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    now = timezone.now()
    previous = locked.decision
    entry = PairDecision.objects.create(pair=locked, decision=decision, note=note, decided_by_id=who.user_id, decided_at=now)
    locked.decision = decision
    locked.decided_at = now
    locked.save(update_fields=["decision", "decided_at"])
    pair.decision, pair.decided_at = decision, now
    audit.record(
        actor=actor,
        action="identity.pair_decided",
        target=locked,
        working_group_id=pair.linkage_run.working_group_id,
        data={
            "pair_id": locked.pk,
            "linkage_run_id": locked.linkage_run_id,
            "individual_ids": [i for i in (locked.left_id, locked.right_individual_id) if i],
            "list_record_ids": [locked.right_record_id] if locked.right_record_id else [],
            "decision": decision,
            "previous": previous,
            "with_note": bool(note),
        },
    )
    return entry
