"""Forms for the Django admin's user pages (the stock ones are bound to ``auth.User``)."""

from __future__ import annotations

from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField

from sabeel.workgroups.models import User


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
