"""Settings shared by every environment. Values that vary come from ``sabeel.config.env``."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from sabeel.config import env

BASE_DIR = env.BASE_DIR
SRC_DIR = Path(__file__).resolve().parents[2]

DEBUG = False
ALLOWED_HOSTS = env.ALLOWED_HOSTS or ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "sabeel.config",  # the composition root: the demo loader command lives here, outside core
    "sabeel.core",
    "sabeel.workgroups",
    "sabeel.geo",
    "sabeel.registry",
    "sabeel.conditions",
    "sabeel.consent",
    "sabeel.portal",
    "sabeel.sharing",
    "sabeel.reports",
    "sabeel.identity",
    "sabeel.fund",
    "sabeel.movements",
    "sabeel.assistance",
    "sabeel.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long cache headers, everything else is no-store.
    "sabeel.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sabeel.core.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sabeel.config.urls"
WSGI_APPLICATION = "sabeel.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sabeel.core.context_processors.sabeel",
                "sabeel.config.context_processors.menu",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env.DATABASE_URL or f"sqlite:///{BASE_DIR / 'var' / 'sabeel.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside the one writer; IMMEDIATE transactions take the write lock at
    # BEGIN, which is what serialises the audit chain on SQLite.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workgroups.User"
# The model whose current rows give a user's (working group, role) pairs to core.permissions.
SABEEL_MEMBERSHIP_MODEL = "workgroups.Membership"
LOGIN_URL = "core:sign_in"
LOGIN_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions: 30 minutes idle, 12 hours at most (enforced by SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "sabeel.config.errors.bad_csrf"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy through django-csp (the maintained package, Mozilla's originally: it
# builds the header from one dict, supports nonces and per-view overrides, and ships its own system
# checks), rather than a hand-written middleware. Everything comes from our own origin: no inline
# script or style anywhere (htmx's indicator styles are switched off in base.html's htmx-config
# meta, behaviour lives in static/sabeel/sabeel.js), no eval (so no hx-on attributes), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Sign-in throttling: failed attempts allowed inside the window.
SIGNIN_WINDOW_SECONDS = 15 * 60
SIGNIN_MAX_FAILURES_PER_ACCOUNT = 5
SIGNIN_MAX_FAILURES_PER_ADDRESS = 20
# Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0: use REMOTE_ADDR).
SABEEL_TRUSTED_PROXY_COUNT = env.TRUSTED_PROXY_COUNT

OTP_TOTP_ISSUER = "Sabeel"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SABEEL_AUDIT_KEY = env.AUDIT_KEY
SABEEL_REFERENCE_DIR = env.reference_dir()
SABEEL_CI = env.CI  # in CI a missing reference set or Chromium is a failure, never a skip
SABEEL_REQUIRE_REFERENCE = env.CI
SABEEL_CHROMIUM = env.CHROMIUM_PATH_ENV
SABEEL_PRODUCTION = False

NINJA_PAGINATION_PER_PAGE = 50

# Self-service (C11): one-time codes go through an SMS sender; the default writes them to a file
# (for tests and the demo) and logs only a masked number.
SABEEL_SMS_SENDER = "sabeel.portal.sms.FileSmsSender"
SABEEL_SMS_OUTBOX = BASE_DIR / "var" / "sms-outbox.jsonl"
# The RapidPro-style gateway (``SABEEL_SMS_SENDER = "sabeel.portal.rapidpro.RapidProSmsSender"``):
# its API, token, the flow started for a contact and the inbound webhook's shared secret.
SABEEL_RAPIDPRO_URL = env.RAPIDPRO_URL
SABEEL_RAPIDPRO_TOKEN = env.RAPIDPRO_TOKEN
SABEEL_RAPIDPRO_FLOW = env.RAPIDPRO_FLOW
SABEEL_RAPIDPRO_WEBHOOK_SECRET = env.RAPIDPRO_WEBHOOK_SECRET
# Survey pull (consent/intention_pull): tokens by secret name, never in the database.
SABEEL_PULL_TOKENS = env.pull_tokens()
SABEEL_PULL_TIMEOUT_SECONDS = 30
SABEEL_PULL_ATTEMPTS = 4
SABEEL_PULL_BACKOFF_SECONDS = 1.0
SABEEL_PORTAL_IDLE_SECONDS = 30 * 60
SABEEL_PORTAL_ABSOLUTE_SECONDS = 2 * 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request logs would carry URLs only; the search queries travel in POST bodies.
        "django.request": {"level": "ERROR"},
    },
}

# --- Reads of names: the read log, its seals, the anchor files and the paging limit ----------------
# (core/audit.py, core/throttle.py, manage.py audit_verify)
SABEEL_AUDIT_ANCHOR_DIR = env.AUDIT_ANCHOR_DIR
READ_SEAL_GRACE_SECONDS = 30  # reads younger than this wait for the next seal (still committing)
READ_LIST_PAGES_PER_WINDOW = 30  # list pages a role without person.export may read …
READ_LIST_WINDOW_SECONDS = 10 * 60  # … within this window

# --- The return funnel (reports/selectors.py) ------------------------------------------------------
SABEEL_SUPPRESSION_THRESHOLD = 5  # figures from 1 to 4 are hidden for aggregate roles and exports
# A protected cube read less than this long ago is answered at once after the snapshot changed,
# while a new one is protected in the background (its provenance gives the time it was read).
SABEEL_FUNNEL_SERVE_STALE_SECONDS = 300

# --- The joint reconstruction fund (fund/) ---------------------------------------------------------
# Commitments are made against cash received; True lets the group commit against signed pledges.
SABEEL_FUND_COMMIT_AGAINST_PLEDGES = False
# A sub-district's intending returnees count as served when every one of these services works there.
SABEEL_FUND_MINIMUM_SERVICES = ["water", "power", "health", "education"]
SABEEL_FUND_PORTFOLIO_TIME_LIMIT = 30.0  # seconds for the optimiser's child process (killed after it)
SABEEL_FUND_IATI_PUBLISHER = "XM-DAC-00000-SABEEL"  # the fund's IATI organisation identifier (placeholder)
