"""Local development: like the demo, with DEBUG on."""

from sabeel.config.settings.demo import *  # noqa: F403

DEBUG = True
