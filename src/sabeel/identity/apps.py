from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "sabeel.identity"
    label = "identity"
    verbose_name = _("Identity: duplicates, review and merges")
    default_auto_field = "django.db.models.BigAutoField"
