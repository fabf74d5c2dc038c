"""The test suite: fast hashing, tasks run at once, fixed keys."""

from sabeel.config.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-any-real-deployment-0123456789"  # noqa: S105
SABEEL_AUDIT_KEY = "test-audit-key-not-for-any-real-deployment"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Static files straight from the apps' folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Every funnel test reads the figures of its own data: no kept cube answers after a change
# (reports/tests/test_selectors.py tests the stale answer with this set).
SABEEL_FUNNEL_SERVE_STALE_SECONDS = 0
