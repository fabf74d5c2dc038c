"""Forms for the Django admin's user pages (the stock ones are bound to ``auth.User``) and the
audit trail's filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from sabeel.core.models import ActorKind
from sabeel.workgroups.audit_labels import action_choices
from sabeel.workgroups.models import User, WorkingGroup
from sabeel.workgroups.selectors import AuditFilters, StaffLabel


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "display_name", "email", "preferred_language")
        field_classes = {"username": UsernameField}


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = (
            "username",
            "password",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "preferred_language",
            "is_active",
            "is_staff",
            "is_superuser",
        )
        field_classes = {"username": UsernameField}


class _QuickSelect(forms.Select):
    """A ``<select>`` written directly: the filters list some two hundred actions, record types
    and people, and Django's template per option made up most of the page's time."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})

        def option(code: Any, label: Any) -> SafeString:
            if str(code) == chosen:
                return format_html('<option value="{}" selected>{}</option>', code, label)
            return format_html('<option value="{}">{}</option>', code, label)

        parts: list[SafeString] = []
        for code, label in self.choices:
            if isinstance(label, list | tuple):
                inner = mark_safe("".join(option(c, lbl) for c, lbl in label))  # noqa: S308 - each part escaped by format_html
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', code, inner))
            else:
                parts.append(option(code, label))
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(parts)))  # noqa: S308 - escaped above


class AuditFilterForm(forms.Form):
    """The audit trail's filters (GET: they hold ids, codes and days, never a name)."""

    actor = forms.ChoiceField(label=_("Actor"), required=False, widget=_QuickSelect)
    action = forms.ChoiceField(label=_("Action"), required=False, widget=_QuickSelect)
    group = forms.ChoiceField(label=_("Working group"), required=False, widget=_QuickSelect)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target_type = forms.ChoiceField(label=_("Target type"), required=False, widget=_QuickSelect)
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)

    def __init__(
        self,
        data: Any = None,
        *,
        staff: Sequence[StaffLabel],
        groups: Sequence[WorkingGroup],
    ) -> None:
        super().__init__(data)
        self.groups = {str(g.pk): g for g in groups}
        staff_choices = [(f"{ActorKind.USER}:{s.user_id}", str(s)) for s in staff]
        other_choices = [(str(kind), str(kind.label)) for kind in (ActorKind.REFUGEE, ActorKind.SYSTEM, ActorKind.ANONYMOUS)]
        self.fields["actor"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (_("Staff"), staff_choices),
            (_("Other actors"), other_choices),
        ]
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]  # type: ignore[attr-defined]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", _("All my groups")),
            *[(str(g.pk), g.local_name) for g in groups],
        ]
        self.fields["target_type"].choices = [("", _("Any record")), *_target_types()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid field is shown with its error and not applied)."""
        if not self.is_bound:
            return AuditFilters(time_zone=self._zone(None))
        self.is_valid()
        data = self.cleaned_data
        kind, _sep, user_id = str(data.get("actor") or "").partition(":")
        group = self.groups.get(str(data.get("group") or ""))
        return AuditFilters(
            actor_kind=kind,
            actor_id=user_id,
            action=str(data.get("action") or ""),
            working_group_id=group.pk if group is not None else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            time_zone=self._zone(group),
            target_type=str(data.get("target_type") or ""),
            target_id=str(data.get("target_id") or "").strip(),
        )

    def _zone(self, group: WorkingGroup | None) -> str:
        """Days are read in the chosen group's zone, or the first of the auditor's groups."""
        if group is not None:
            return group.time_zone
        first = next(iter(self.groups.values()), None)
        return first.time_zone if first is not None else "UTC"


def _target_types() -> list[tuple[str, str]]:
    """Every model a trail row may name, by its readable name."""
    found = {m._meta.label_lower: str(m._meta.verbose_name) for m in apps.get_models() if m.__module__.startswith("sabeel.")}
    return sorted(found.items(), key=lambda item: item[1].casefold())
