"""The public API of the text engine is exactly ``__all__`` (as in httpx's test_exported_members)."""

from types import ModuleType

import sabeel.engines.text as text


def test_all_public_members_are_exported_and_sorted():
    # Sub-packages (the tests) become attributes once imported; they are not API.
    public = [name for name, value in vars(text).items() if not name.startswith("_") and not isinstance(value, ModuleType)]
    # isort order, as ruff RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert text.__all__ == sorted(public, key=lambda name: (0 if name.isupper() else 1 if name[0].isupper() else 2, name))


def test_every_exported_member_exists():
    for name in text.__all__:
        assert getattr(text, name) is not None, name


def test_the_engine_imports_neither_django_nor_the_apps():
    import subprocess
    import sys

    code = (
        "import sys, sabeel.engines.text as t; t.name_similarity('a', 'b'); "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith(('django.', 'sabeel.core', 'sabeel.geo'))]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == ""
