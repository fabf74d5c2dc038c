from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConditionsConfig(AppConfig):
    name = "sabeel.conditions"
    label = "conditions"
    verbose_name = _("Area conditions")
