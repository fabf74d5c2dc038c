"""Every write on the registry: register a household, add, move or remove a member, correct a
field, change the head, close and reopen. Nothing is ever deleted.

Each service checks the actor first (``require``), validates every field with a translated
message per field (``ServiceError(message, fields=...)``), writes, keeps the name index in step,
saves one ``RecordVersion`` per changed record (old → new per field) and records the audit entry
last (ids only). Corrections carry the version the officer loaded; when the record has moved on
since, the save is refused with ``RecordConflict`` naming who changed what (redacted).
"""

from sabeel.registry.services._deregistration import (
    household_presumed_return,
    household_verified_return,
    presumed_return_blockers,
)
from sabeel.registry.services._households import (
    household_close,
    household_create,
    household_head_set,
    household_reopen,
    household_update,
)
from sabeel.registry.services._inputs import DuplicateCheck, ExternalIdInput, MemberInput, dob_parse
from sabeel.registry.services._members import individual_update, member_add, member_move, member_remove
from sabeel.registry.services._protection import (
    birth_date_change_confirm,
    birth_date_change_needs_confirmation,
    birth_date_change_propose,
    birth_date_change_reject,
    member_departure_confirm,
    member_exit_record,
    member_presence_set,
    return_process_open,
)
from sabeel.registry.services._records import RecordConflict, member_needs_rebuild

__all__ = [
    "DuplicateCheck",
    "ExternalIdInput",
    "MemberInput",
    "RecordConflict",
    "birth_date_change_confirm",
    "birth_date_change_needs_confirmation",
    "birth_date_change_propose",
    "birth_date_change_reject",
    "dob_parse",
    "household_close",
    "household_create",
    "household_head_set",
    "household_presumed_return",
    "household_reopen",
    "household_update",
    "household_verified_return",
    "individual_update",
    "member_add",
    "member_departure_confirm",
    "member_exit_record",
    "member_move",
    "member_needs_rebuild",
    "member_presence_set",
    "member_remove",
    "presumed_return_blockers",
    "return_process_open",
]
