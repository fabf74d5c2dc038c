"""Arabic and English everywhere: the Arabic catalogue is complete and pages turn right-to-left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

PO = Path(settings.LOCALE_PATHS[0]) / "ar" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if "msgid " in block]


def test_every_string_has_an_arabic_translation():
    text = PO.read_text(encoding="utf-8")
    untranslated = []
    for block in _entries(text)[1:]:  # the first entry is the header
        if "#, fuzzy" in block or re.search(r'msgstr(\[\d\])? ""\n(?!")', block + "\n"):
            untranslated.append(block.split("msgid ", 1)[1].split("\n", 1)[0])
    assert not untranslated, f"{len(untranslated)} entries lack an Arabic translation, e.g. {untranslated[:5]}"


@pytest.mark.skipif(not PO.with_suffix(".mo").exists(), reason="catalogue not compiled: run `make messages`")
def test_compiled_catalogue_translates_the_interface():
    with translation.override("ar"):
        assert translation.gettext("Sign in") != "Sign in"
        assert translation.gettext("Working groups") != "Working groups"


@pytest.mark.django_db
def test_arabic_pages_are_right_to_left():
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    page = client.get("/sign-in/").content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/sign-in/").content.decode()
    assert 'dir="ltr"' in page
