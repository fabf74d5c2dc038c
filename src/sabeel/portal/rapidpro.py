"""A RapidPro-style messaging gateway behind the SMS interface (``portal.sms``), and the handling of
a refugee's reply that the gateway posts to Sabeel's inbound webhook.

Outbound (``RapidProSmsSender``, chosen with ``SABEEL_SMS_SENDER =
"sabeel.portal.rapidpro.RapidProSmsSender"``; ``SABEEL_RAPIDPRO_URL`` and ``SABEEL_RAPIDPRO_TOKEN``):

* a contact is created or updated by its URN ``tel:+…`` — ``POST /api/v2/contacts.json?urn=…``
  updates the contact with that URN, and when there is none (404) ``POST /api/v2/contacts.json``
  with ``{"urns": [...]}`` creates it; Sabeel sends the language and the household id only,
  never a name;
* a message is sent as a broadcast to the URN — ``POST /api/v2/broadcasts.json``
  ``{"urns": ["tel:+…"], "text": "…"}``;
* a flow is started for a URN — ``POST /api/v2/flow_starts.json`` ``{"flow": uuid, "urns": [...],
  "params": {...}}`` (the flow in ``SABEEL_RAPIDPRO_FLOW`` unless another is named).

Requests carry ``Authorization: Token …`` and JSON, with a timeout and retries with backoff for a
5xx, 429 or a connection that failed. Logs name a masked number only, never the text.

Inbound (``inbound_handle``, called by ``portal.views.rapidpro_inbound`` once the shared secret
was checked): a message id, the sender's URN and the text. ``WITHDRAW`` / ``انسحاب`` withdraws
consent through the same service as the self-service page (``portal.services.adult_withdraw``)
when the phone is a household's and the household has one adult; with several adults (the
message cannot say which one) or several households on the number, a call-back is asked for
instead (``portal.services.callback_request``), so that a protection officer calls and records
it. ``CALL`` / ``اتصال`` asks for a call-back. Each message acts once: its id is kept as a keyed
hash (``consent.InboundMessage``), and a message delivered again does nothing more. The audit
row (``portal.sms_received``) holds the keyed hash, the phone's id and the outcome — no number
and no text."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sabeel.consent.models import InboundMessage
from sabeel.core import audit
from sabeel.core.actors import ANONYMOUS, refugee
from sabeel.core.exceptions import ServiceError
from sabeel.engines.text import fold_digits
from sabeel.portal.sms import mask_phone
from sabeel.registry.models import Household, Phone

__all__ = [
    "CALL_WORDS",
    "WITHDRAW_WORDS",
    "InboundResult",
    "RapidProClient",
    "RapidProError",
    "RapidProSmsSender",
    "inbound_handle",
]

logger = logging.getLogger("sabeel.portal.rapidpro")

WITHDRAW_WORDS = frozenset({"withdraw", "انسحاب", "انسحب", "أنسحب"})
CALL_WORDS = frozenset({"call", "اتصال", "اتصل", "اتصلوا"})
RETRIED = frozenset({429, 500, 502, 503, 504})
LANGUAGES = {"ar": "ara", "en": "eng"}  # RapidPro names languages by ISO 639-3


class RapidProError(Exception):
    def __init__(self, code: str, status: int | None = None) -> None:
        super().__init__(code if status is None else f"{code} (HTTP {status})")
        self.code = code
        self.status = status


class RapidProClient:
    """JSON over ``urllib.request`` to one RapidPro workspace."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float = 15,
        attempts: int = 3,
        backoff: float | None = None,
    ) -> None:
        self.base_url = (base_url if base_url is not None else getattr(settings, "SABEEL_RAPIDPRO_URL", "")).rstrip("/")
        self._token = token if token is not None else getattr(settings, "SABEEL_RAPIDPRO_TOKEN", "")
        if not self.base_url or not self._token:
            raise ImproperlyConfigured("SABEEL_RAPIDPRO_URL and SABEEL_RAPIDPRO_TOKEN must be set to use RapidPro.")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = float(
            backoff if backoff is not None else getattr(settings, "SABEEL_RAPIDPRO_BACKOFF_SECONDS", 1.0)
        )

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        url = f"{self.base_url}{path}"
        data = json.dumps(body).encode()
        headers = {
            "Authorization": f"Token {self._token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        last = RapidProError("unreachable")
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (the configured server)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    payload = response.read()
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRIED:
                    raise RapidProError("refused", exc.code) from None
                last = RapidProError("server_error", exc.code)
            except (urllib.error.URLError, TimeoutError, OSError):
                last = RapidProError("unreachable")
            else:
                try:
                    return json.loads(payload.decode("utf-8")) if payload else {}
                except (UnicodeDecodeError, ValueError):
                    raise RapidProError("bad_response") from None
            logger.warning("RapidPro answered %s (attempt %d of %d)", last, attempt + 1, self.attempts)
        raise last

    def contact_update(self, *, urn: str, language: str = "", fields: Mapping[str, str] | None = None) -> Any:
        """Update the contact with this URN, or create it (no name is ever sent)."""
        body: dict[str, Any] = {}
        if language:
            body["language"] = LANGUAGES.get(language[:2], language)
        if fields:
            body["fields"] = dict(fields)
        try:
            return self.post(f"/api/v2/contacts.json?urn={quote(urn, safe='')}", body)
        except RapidProError as exc:
            if exc.status not in (400, 404):
                raise
        return self.post("/api/v2/contacts.json", {"urns": [urn], **body})

    def broadcast(self, *, urn: str, text: str) -> Any:
        return self.post("/api/v2/broadcasts.json", {"urns": [urn], "text": text})

    def flow_start(self, *, flow: str, urn: str, params: Mapping[str, Any] | None = None) -> Any:
        body: dict[str, Any] = {"flow": flow, "urns": [urn]}
        if params:
            body["params"] = dict(params)
        return self.post("/api/v2/flow_starts.json", body)


def urn_of(number: str) -> str:
    return f"tel:{number}"


class RapidProSmsSender:
    """The SMS interface (``portal.sms.SmsSender``) over RapidPro, plus a contact update and a flow
    start (``portal.sms.MessagingGateway``)."""

    def __init__(self, client: RapidProClient | None = None) -> None:
        self.client = client or RapidProClient()

    def send(self, *, to: str, text: str, meta: Mapping[str, Any] | None = None) -> None:
        # The contact gets the language only: the gateway needs no household id nor a name.
        self.client.contact_update(urn=urn_of(to), language=translation.get_language() or "")
        self.client.broadcast(urn=urn_of(to), text=text)
        logger.info("text message to %s handed to RapidPro", mask_phone(to))

    def contact_update(self, *, to: str, language: str = "", household_id: int | None = None) -> None:
        # The household id goes to the contact field ``sabeel_household`` only when asked for (the
        # workspace must have that field); never a name.
        fields = {"sabeel_household": str(household_id)} if household_id else None
        self.client.contact_update(urn=urn_of(to), language=language, fields=fields)
        logger.info("RapidPro contact %s updated", mask_phone(to))

    def flow_start(self, *, to: str, flow: str = "", params: Mapping[str, Any] | None = None) -> None:
        flow = flow or getattr(settings, "SABEEL_RAPIDPRO_FLOW", "")
        if not flow:
            raise ImproperlyConfigured("SABEEL_RAPIDPRO_FLOW names no flow to start.")
        self.client.flow_start(flow=flow, urn=urn_of(to), params=params)
        logger.info("RapidPro flow started for %s", mask_phone(to))


# --- inbound ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundResult:
    outcome: str  # withdrawn, callback_requested, withdraw_needs_call, unknown_number, unknown_command, duplicate
    reply: str


def command_of(text: str) -> str:
    words = fold_digits(text or "").strip().casefold().split()
    first = words[0].strip(".!؟?،,") if words else ""
    if first in WITHDRAW_WORDS:
        return "withdraw"
    if first in CALL_WORDS:
        return "call"
    return ""


def _reply(outcome: str) -> str:
    replies = {
        "withdrawn": _(
            "Sabeel: your consent to return is withdrawn, from now on. Nothing else changes for your "
            "household's registration. A protection officer will call you."
        ),
        "withdraw_needs_call": _(
            "Sabeel: we received your request to withdraw. A protection officer will call you to record it for the right person."
        ),
        "callback_requested": _("Sabeel: your request is recorded. A protection officer will call you."),
        "unknown_command": _("Sabeel: reply WITHDRAW to withdraw your consent to return, or CALL to be called back."),
        "unknown_number": _("Sabeel: this phone number is not registered. Ask an officer for help."),
    }
    return replies.get(outcome, "")


def _act(command: str, phones: list[Phone]) -> str:
    from sabeel.portal import selectors, services

    households = {p.household_id: p for p in phones}
    if command == "call" or (command == "withdraw" and len(households) > 1):
        for household_id, phone in households.items():
            household = Household.objects.select_related("working_group").get(pk=household_id)
            services.callback_request(
                actor=refugee(household_id=household_id, phone_id=str(phone.pk)), household=household
            )
        return "callback_requested" if command == "call" else "withdraw_needs_call"
    [(household_id, phone)] = households.items()
    household = Household.objects.select_related("working_group").get(pk=household_id)
    adults = selectors.adults(household=household)
    if len(adults) != 1:
        services.callback_request(actor=refugee(household_id=household_id, phone_id=str(phone.pk)), household=household)
        return "withdraw_needs_call"
    individual = household.members.get(pk=adults[0].id)
    actor = refugee(household_id=household_id, individual_id=individual.pk, phone_id=str(phone.pk))
    services.adult_withdraw(actor=actor, individual=individual)
    return "withdrawn"


def inbound_handle(*, message_id: str, urn: str, text: str, language: str = "ar") -> InboundResult:
    """Act on one message received (once per message id) and say what to reply."""
    key = audit.keyed_hash(message_id, purpose="rapidpro-message")
    number = urn[4:] if urn.startswith("tel:") else urn
    command = command_of(text)
    try:
        with transaction.atomic():
            phones = list(Phone.objects.filter(number=number, is_active=True).order_by("pk")) if number else []
            message = InboundMessage.objects.create(
                message_key=key, phone=phones[0] if phones else None, command=command
            )
            if not phones:
                outcome = "unknown_number"
            elif not command:
                outcome = "unknown_command"
            else:
                try:
                    outcome = _act(command, phones)
                except ServiceError:
                    # Refused (a closed file, …): a protection officer calls instead, never silence.
                    outcome = _act("call", phones) and "withdraw_needs_call"
            message.outcome = outcome
            message.save(update_fields=["outcome"])
            audit.record(
                actor=refugee(household_id=phones[0].household_id, phone_id=str(phones[0].pk)) if phones else ANONYMOUS,
                action="portal.sms_received",
                target=phones[0].household if phones else None,
                data={
                    "message_hmac": key,
                    "command": command,
                    "outcome": outcome,
                    **({"phone_id": phones[0].pk} if phones else {}),
                },
            )
    except IntegrityError:
        return InboundResult("duplicate", "")  # delivered again: it acted the first time
    with translation.override(language):
        return InboundResult(outcome, _reply(outcome))
