from __future__ import annotations

import logging

import pytest

from sabeel.portal.sms import FileSmsSender, SmsSender, mask_phone, sms_sender


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+96171234545", "+961 7x xxx x45"),
        ("+9613123456", "+961 3 xxx x56"),
        ("+962791234567", "+962 7xx xxx x67"),
        ("+905321234567", "+90 5 xxx xxx x67"),
    ],
)
def test_a_masked_number_keeps_the_calling_code_the_first_digit_and_the_last_two(number, masked):
    assert mask_phone(number) == masked


def test_the_file_sender_writes_a_masked_number_and_logs_no_code(outbox, caplog):
    caplog.set_level(logging.DEBUG, logger="sabeel.portal.sms")
    FileSmsSender().send(to="+96171234545", text="code 123456", meta={"household_id": 7, "code": "123456"})
    [line] = outbox.messages()
    assert line["to"] == "+961 7x xxx x45" and line["household_id"] == 7 and line["code"] == "123456"
    assert "71234545" not in outbox.path.read_text()
    assert "+961 7x xxx x45" in caplog.text
    assert "123456" not in caplog.text and "71234545" not in caplog.text


class RecordingSender:
    """A gateway stand-in named by the setting; it keeps what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to, text, meta=None):
        self.sent.append((to, text))


def test_the_sender_is_chosen_by_a_setting(settings):
    settings.SABEEL_SMS_SENDER = f"{__name__}.RecordingSender"
    sender = sms_sender()
    assert isinstance(sender, RecordingSender) and isinstance(sender, SmsSender)
    del settings.SABEEL_SMS_SENDER
    assert isinstance(sms_sender(), FileSmsSender)
