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
# HSTS: a year, subdomains included. Preloading is a promise made to the browsers' lists for the
# whole domain, so the operator opts in (SABEEL_HSTS_PRELOAD); until then the check is silenced.
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# TLS ends at the trusted reverse proxy, which says so in this header (and overwrites a client's).
if SABEEL_TRUSTED_PROXY_COUNT:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not env.ALLOWED_HOSTS:
    raise ImproperlyConfigured("SABEEL_ALLOWED_HOSTS must name the production host names.")
ALLOWED_HOSTS = env.ALLOWED_HOSTS

# The file sender writes one-time codes to disk: production must name a real gateway.
SABEEL_SMS_SENDER = env.SMS_SENDER
if not SABEEL_SMS_SENDER or SABEEL_SMS_SENDER.endswith("FileSmsSender"):
    raise ImproperlyConfigured("SABEEL_SMS_SENDER must name a real SMS gateway in production.")

# The audit anchor lives outside the database: schedule `manage.py audit_verify` every 5 minutes
# (a systemd timer or cron job beside the task worker; it seals the read log, checks the chain
# against the newest anchor file and writes the next one; a non-zero exit must page someone), and
# set SABEEL_AUDIT_ANCHOR_DIR to storage the database's administrators cannot write (another
# host's mount, a write-once bucket's sync directory).
SABEEL_AUDIT_ANCHOR_DIR = env.AUDIT_ANCHOR_DIR
