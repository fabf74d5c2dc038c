"""Production: every secret comes from the environment; nothing is generated."""

from django.core.exceptions import ImproperlyConfigured

from sabeel.config import env
from sabeel.config.settings.base import *  # noqa: F403

if not env.SECRET_KEY or not env.AUDIT_KEY:
    raise ImproperlyConfigured("SABEEL_SECRET_KEY and SABEEL_AUDIT_KEY must be set in production.")
if not env.DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
SECRET_KEY = env.SECRET_KEY
SABEEL_AUDIT_KEY = env.AUDIT_KEY
SABEEL_PRODUCTION = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000

# The file sender writes one-time codes to disk: production must name a real gateway.
SABEEL_SMS_SENDER = env.SMS_SENDER
if not SABEEL_SMS_SENDER or SABEEL_SMS_SENDER.endswith("FileSmsSender"):
    raise ImproperlyConfigured("SABEEL_SMS_SENDER must name a real SMS gateway in production.")
