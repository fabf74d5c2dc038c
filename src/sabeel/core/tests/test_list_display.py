"""Lists in running text, separated as the page's language writes them: a comma in English, the
Arabic comma (and semicolon) on an Arabic page."""

from __future__ import annotations

import pytest
from django.db import models
from django.template import Context, Template
from django.utils import translation

from sabeel.core.i18n import choice_label, listed


def test_a_list_takes_the_comma_of_the_pages_language():
    with translation.override("en"):
        assert listed(["Mohamad", "Fatima"]) == "Mohamad, Fatima"
    with translation.override("ar"):
        assert listed(["محمد", "فاطمة"]) == "محمد، فاطمة"


@pytest.mark.parametrize(("language", "comma", "semicolon"), [("en", ", ", "; "), ("ar", "، ", "؛ ")])
def test_the_filter_and_the_tag_in_a_template(language, comma, semicolon):
    template = Template('{% load sabeel %}{{ names|listed }}|a{% separator %}b{% separator ";" %}c')
    with translation.override(language):
        text = template.render(Context({"names": ["<b>A</b>", "B"]}))
    assert text == f"&lt;b&gt;A&lt;/b&gt;{comma}B|a{comma}b{semicolon}c"  # each item escaped, the separator not


class Colour(models.TextChoices):
    RED = "r", "Red"


def test_a_stored_code_reads_as_its_label_or_as_stored_when_no_longer_a_choice():
    assert choice_label(Colour, "r") == "Red"
    assert choice_label(Colour, "retired-code") == "retired-code"
