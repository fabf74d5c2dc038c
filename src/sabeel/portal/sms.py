"""Text messages to a household's phone, behind one interface.

The sender is chosen by the setting ``SABEEL_SMS_SENDER`` (a dotted path to a class whose instances
satisfy :class:`SmsSender`); the default :class:`FileSmsSender` writes each message as one JSON line
to the outbox file ``SABEEL_SMS_OUTBOX`` (default ``var/sms-outbox.jsonl``) so that tests and the
demo can read the code. Logs only ever name a masked number (``+961 7x xxx x45``), never a code.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from sabeel.registry.numbers import COUNTRY_CALLING_CODES

__all__ = [
    "DEFAULT_SENDER",
    "FileSmsSender",
    "MessagingGateway",
    "SmsSender",
    "mask_phone",
    "messaging_gateway",
    "outbox_path",
    "sms_sender",
]

DEFAULT_SENDER = "sabeel.portal.sms.FileSmsSender"
logger = logging.getLogger("sabeel.portal.sms")
_write_lock = threading.Lock()


@runtime_checkable
class SmsSender(Protocol):
    """Sends one text message. ``to`` is an E.164 number; ``meta`` holds ids for the sender's own
    records (``household_id``, ``code_request_id``; the file sender also keeps ``code``), never a
    name or a number. A sender must not log ``to`` unmasked nor the text. It is called from a
    background task, so a gateway may take its time."""

    def send(self, *, to: str, text: str, meta: Mapping[str, Any] | None = None) -> None: ...


@runtime_checkable
class MessagingGateway(SmsSender, Protocol):
    """A sender that also keeps contacts and runs flows (``portal.rapidpro.RapidProSmsSender``):
    a contact created or updated by number (language and household id only, never a name), and a
    flow started for a number. The file sender is not one."""

    def contact_update(self, *, to: str, language: str = "", household_id: int | None = None) -> None: ...

    def flow_start(self, *, to: str, flow: str = "", params: Mapping[str, Any] | None = None) -> None: ...


def mask_phone(number: str) -> str:
    """``+96171234545`` → ``+961 7x xxx x45``: the calling code, the first digit and the last two."""
    digits = "".join(ch for ch in number if ch.isdigit())
    code = next((c for c in sorted(COUNTRY_CALLING_CODES.values(), key=len, reverse=True) if digits.startswith(c)), "")
    national = digits[len(code) :]
    masked = national[0] + "x" * (len(national) - 3) + national[-2:] if len(national) >= 4 else "x" * len(national)
    groups = [masked[max(0, end - 3) : end] for end in range(len(masked), 0, -3)][::-1]  # threes from the end
    return (f"+{code} " if code else "+") + " ".join(groups)


def outbox_path() -> Path:
    return Path(getattr(settings, "SABEEL_SMS_OUTBOX", None) or Path(settings.BASE_DIR) / "var" / "sms-outbox.jsonl")


class FileSmsSender:
    """Development and demo sender: one JSON line per message in the outbox file (masked number,
    household id, code, time), and a log line with the masked number only."""

    def send(self, *, to: str, text: str, meta: Mapping[str, Any] | None = None) -> None:
        meta = dict(meta or {})
        masked = mask_phone(to)
        line = {
            "at": timezone.now().isoformat(),
            "to": masked,
            "household_id": meta.get("household_id"),
            "code_request_id": meta.get("code_request_id"),
            "code": meta.get("code", ""),
            "text": text,
        }
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _write_lock, path.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(line, ensure_ascii=False) + "\n")
        logger.info("text message to %s written to the outbox", masked)


def sms_sender() -> SmsSender:
    """The configured sender (``SABEEL_SMS_SENDER``), a :class:`FileSmsSender` by default."""
    sender_class = import_string(getattr(settings, "SABEEL_SMS_SENDER", None) or DEFAULT_SENDER)
    sender: SmsSender = sender_class()
    return sender


def messaging_gateway() -> MessagingGateway | None:
    """The configured sender when it is a full messaging gateway (contacts and flows), else None."""
    sender = sms_sender()
    return sender if isinstance(sender, MessagingGateway) else None
