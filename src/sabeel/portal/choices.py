from django.db import models
from django.utils.translation import gettext_lazy as _


class NextStep(models.TextChoices):
    """What comes next for the household, in the words of the self-service page."""

    CLOSED = "closed", _("Nothing: your file is closed")
    COUNSELLING = "counselling", _("Counselling")
    CONSENT = "consent", _("Consent")
    PREPARATION = "preparation", _("Preparation by a protection officer")
    RECONFIRMATION = "reconfirmation", _("Re-confirmation")
    SCHEDULING = "scheduling", _("A place on a movement")
    SCHEDULED = "scheduled", _("Departure")


NEXT_STEP_EXPLAINED = {
    NextStep.CLOSED: _("Your household's file is closed. If you think this is wrong, ask for a call-back."),
    NextStep.COUNSELLING: _(
        "A protection officer will meet you to explain the conditions in the place you want to return to "
        "and to answer your questions. Nothing is decided before that."
    ),
    NextStep.CONSENT: _(
        "Each adult who wants to return tells a protection officer so, freely and in person. "
        "Anyone may also decide not to return; nothing changes for your registration."
    ),
    NextStep.PREPARATION: _("A protection officer is completing your household's file. They will contact you."),
    NextStep.RECONFIRMATION: _(
        "Shortly before the departure date, each adult confirms again that they still want to go."
    ),
    NextStep.SCHEDULING: _(
        "Your household can be given a place on an organised movement. You will be told the date; shortly "
        "before it, each adult confirms again. You can still change your mind at any time."
    ),
    NextStep.SCHEDULED: _(
        "Your household is ready to travel on the date you were given. You can still change your mind at any time."
    ),
}
