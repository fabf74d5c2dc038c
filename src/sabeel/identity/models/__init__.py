"""The identity app's models: batch runs and their review queue (``runs``), merges as reversible
links between records of the same person (``links``)."""

from sabeel.identity.models.links import *  # noqa: F403
from sabeel.identity.models.runs import *  # noqa: F403
