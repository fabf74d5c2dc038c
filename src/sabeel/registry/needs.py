"""UNHCR specific-needs codes (the 2009 standardised list, main families and sub-codes).

Codes of the SGBV (SV) and torture (TR) families are protection-sensitive: they belong to the
"protection-sensitive case" field group, visible only to the assigned protection officers."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SPECIFIC_NEEDS: dict[str, Promise] = {
    "CR-CS": _("Child spouse"),
    "CR-CL": _("Child engaged in child labour"),
    "CR-NE": _("Child at risk of not attending school"),
    "DS-BD": _("Visual impairment"),
    "DS-DF": _("Hearing impairment"),
    "DS-PM": _("Physical disability, moderate"),
    "DS-PS": _("Physical disability, severe"),
    "DS-MM": _("Mental disability, moderate"),
    "DS-MS": _("Mental disability, severe"),
    "ER-NF": _("Older person unable to care for self"),
    "ER-MC": _("Older person with children"),
    "ER-UR": _("Unaccompanied older person"),
    "FU-TR": _("Family unity: tracing required"),
    "FU-FR": _("Family unity: reunification required"),
    "LP-ND": _("No legal documentation"),
    "LP-DO": _("Detained or held in country of origin"),
    "LP-DT": _("Detained or held in country of asylum"),
    "SC-SC": _("Separated child"),
    "SC-UC": _("Unaccompanied child"),
    "SC-CH": _("Child-headed household"),
    "SM-CI": _("Chronic illness"),
    "SM-MI": _("Mental illness"),
    "SM-CC": _("Critical medical condition"),
    "SM-OT": _("Other medical condition"),
    "SP-PT": _("Single parent"),
    "SP-GP": _("Single grandparent"),
    "SV-VO": _("Survivor of sexual or gender-based violence in the country of origin"),
    "SV-VA": _("Survivor of sexual or gender-based violence in the country of asylum"),
    "TR-PI": _("Psychological or physical impairment due to torture"),
    "TR-WV": _("Witness of violence to others"),
    "WR-WR": _("Single woman at risk"),
    "WR-SF": _("Single female household representative"),
}
SENSITIVE_FAMILIES = frozenset({"SV", "TR"})
UNACCOMPANIED_OR_SEPARATED = frozenset({"SC-UC", "SC-SC"})


def is_sensitive(code: str) -> bool:
    return code.split("-", 1)[0] in SENSITIVE_FAMILIES
