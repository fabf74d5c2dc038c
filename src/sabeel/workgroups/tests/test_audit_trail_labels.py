"""Every action name the code writes to the trail or the read log has a readable, translated
label (found by reading the source, so a new action without a label fails here), and a row's data
reads as key/value pairs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

from sabeel.core.roles import ACTIONS
from sabeel.workgroups.audit_labels import (
    ACTION_GROUPS,
    ACTION_LABELS,
    KEY_LABELS,
    action_choices,
    action_group,
    action_label,
    data_pairs,
)

SRC = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# The writers of the trail and the read log, and the helpers that pass an action name on to them.
_WRITERS = {"record", "record_read", "record_export", "record_search", "_record", "_audit_refusal", "records_listed", "household_viewed"}


def written_action_names() -> dict[str, str]:
    """Action names written anywhere in the code (not the tests): ``action=`` of a writer, the
    first two positional arguments of the helpers, ``audit_as=``, and ``action = "..."``."""
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or path.name == "testing.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.AST] = []
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in _WRITERS:
                    values += [kw.value for kw in node.keywords if kw.arg == "action"]
                    if name in ("_record", "_audit_refusal"):
                        values += node.args[:2]
                values += [kw.value for kw in node.keywords if kw.arg == "audit_as"]
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets):
                values.append(node.value)
            for value in values:
                for leaf in ast.walk(value):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and _NAME.match(leaf.value):
                        found.setdefault(leaf.value, str(path.relative_to(SRC)))
    return {name: where for name, where in found.items() if name not in ACTIONS}  # not permission names


def test_the_scan_finds_the_actions_it_should():
    names = written_action_names()
    assert {"auth.signed_in", "consent.recorded", "registry.households_listed", "person.viewed", "auth.sign_in_failed"} <= names.keys()


def test_every_written_action_has_a_label():
    missing = {name: where for name, where in written_action_names().items() if name not in ACTION_LABELS}
    assert not missing, f"add these to workgroups/audit_labels.py (and Arabic to the fragment): {missing}"


def test_names_made_at_run_time_are_labelled():
    assert action_label("admin.organisation.changed") == "Admin site: organisation changed"
    assert action_label("admin.membership.created") == "Admin site: membership created"
    assert action_label("registry.exported") == "Person-level list exported (registry)"
    assert action_label("person.searched") == "People searched"
    assert action_label("something.unknown") == "something.unknown"
    assert action_group("something.unknown") == "Other"


def test_labels_are_grouped_for_the_filter():
    groups = dict(action_choices())
    assert ("household.created", "Household registered") in groups["Registry"]
    assert ("auth.signed_in", "Signed in") in groups["Sign-in and accounts"]
    assert all(name.split(".", 1)[0] in ACTION_GROUPS for name in ACTION_LABELS)


def test_data_reads_as_key_value_pairs():
    pairs = data_pairs({"household_id": 4, "row_ids": [1, 2], "factor": "totp", "is_urgent": False, "changes": {"status": ["a", "b"]}})
    assert pairs == [
        ("Household", "4"),
        ("Rows shown", "[1, 2]"),
        ("Second factor", "totp"),
        ("Is urgent", "no"),
        ("Changes", "Status: [a, b]"),
    ]
    assert data_pairs({}) == []


def _translated(path: Path) -> set[str]:
    """The msgids of a .po file that have a non-empty msgstr (wrapped lines joined)."""
    text = re.sub(r'"\n"', "", path.read_text(encoding="utf-8"))
    return {m for m, tr in re.findall(r'^msgid "(.*)"\n(?:msgid_plural .*\n)?msgstr(?:\[0\])? "(.*)"$', text, re.M) if tr}


def test_every_label_has_its_arabic_in_the_catalogue():
    catalogue = _translated(SRC / "locale" / "ar" / "LC_MESSAGES" / "django.po")
    with translation.override("en"):
        msgids = {str(label) for label in [*ACTION_LABELS.values(), *ACTION_GROUPS.values(), *KEY_LABELS.values()]}
    missing = sorted(msgids - catalogue)
    assert not missing, missing
