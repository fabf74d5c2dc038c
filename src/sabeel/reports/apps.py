from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sabeel.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from sabeel.core import signals
        from sabeel.reports import receivers

        signals.households_changed_signal.connect(receivers.on_households_changed, dispatch_uid="reports.funnel")
        signals.conditions_changed_signal.connect(receivers.on_conditions_changed, dispatch_uid="reports.conditions")
