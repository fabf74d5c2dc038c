"""The only place that reads the process environment.

Settings modules import the values from here; nothing else in the code base (tests included)
reads ``os.environ``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]  # the repository root (…/src/sabeel/config → root)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATABASE_URL: str = os.environ.get("DATABASE_URL", "")
SECRET_KEY: str = os.environ.get("SABEEL_SECRET_KEY", "")
AUDIT_KEY: str = os.environ.get("SABEEL_AUDIT_KEY", "")
ALLOWED_HOSTS: list[str] = [
    h.strip() for h in os.environ.get("SABEEL_ALLOWED_HOSTS", "").split(",") if h.strip()
]
CI: bool = _flag("CI")
HSTS_PRELOAD: bool = _flag("SABEEL_HSTS_PRELOAD")
SMS_SENDER: str = os.environ.get("SABEEL_SMS_SENDER", "")
# The RapidPro-style messaging gateway (portal/rapidpro.py), used when SABEEL_SMS_SENDER names it.
RAPIDPRO_URL: str = os.environ.get("SABEEL_RAPIDPRO_URL", "")
RAPIDPRO_TOKEN: str = os.environ.get("SABEEL_RAPIDPRO_TOKEN", "")
RAPIDPRO_WEBHOOK_SECRET: str = os.environ.get("SABEEL_RAPIDPRO_WEBHOOK_SECRET", "")
RAPIDPRO_FLOW: str = os.environ.get("SABEEL_RAPIDPRO_FLOW", "")
TRUSTED_PROXY_COUNT: int = int(os.environ.get("SABEEL_TRUSTED_PROXY_COUNT", "0") or 0)
REFERENCE_DIR_ENV: str = os.environ.get("SABEEL_REFERENCE_DIR", "")
CHROMIUM_PATH_ENV: str = os.environ.get("SABEEL_CHROMIUM", "")
LOCAL_DIR = Path(os.environ.get("SABEEL_LOCAL_DIR", str(BASE_DIR / ".local")))
# Where audit_verify keeps the audit chain's anchor files: outside the database, ideally on storage
# the database's administrators cannot write.
AUDIT_ANCHOR_DIR = Path(os.environ.get("SABEEL_AUDIT_ANCHOR_DIR", str(BASE_DIR / "var" / "audit-anchors")))


def pull_tokens() -> dict[str, str]:
    """The survey servers' tokens (consent/intention_pull), each in ``SABEEL_PULL_TOKEN_<NAME>``;
    a pull source names its secret by ``<NAME>`` and never stores the token."""
    prefix = "SABEEL_PULL_TOKEN_"
    return {name[len(prefix) :]: value for name, value in os.environ.items() if name.startswith(prefix) and value}


def reference_dir() -> Path | None:
    """The directory holding reference data in the layout of ``shared/data``, if any."""
    candidates = [Path(REFERENCE_DIR_ENV)] if REFERENCE_DIR_ENV else []
    candidates.append(BASE_DIR.parent / "shared" / "data")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def local_secrets() -> dict[str, str]:
    """Secret and audit keys kept in an ignored local file so a second ``make demo`` reuses them."""
    path = LOCAL_DIR / "secrets.json"
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
    else:
        data = {}
    changed = False
    for key in ("secret_key", "audit_key"):
        if not data.get(key):
            data[key] = secrets.token_urlsafe(48)
            changed = True
    if changed:
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    return data
