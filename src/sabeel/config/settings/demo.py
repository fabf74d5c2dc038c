"""The demo: DEBUG off, static files through whitenoise, keys kept in an ignored local file."""

from sabeel.config import env
from sabeel.config.settings.base import *  # noqa: F403

_secrets = env.local_secrets()
SECRET_KEY = env.SECRET_KEY or _secrets["secret_key"]
SABEEL_AUDIT_KEY = env.AUDIT_KEY or _secrets["audit_key"]
DEBUG = False
