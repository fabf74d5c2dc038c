"""Browser tests drive Debian's Chromium through Playwright (no browser download).

Outside CI they run wherever Chromium is found and say plainly when they are skipped; in CI
(``CI=true``) a missing Chromium is a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    from django.conf import settings

    for candidate in (settings.SABEEL_CHROMIUM, "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    from django.conf import settings

    path = _chromium_path()
    if path is None:
        message = "browser tests skipped: Chromium not found (apt-get install chromium, or set SABEEL_CHROMIUM)"
        if settings.SABEEL_CI:
            pytest.fail(message.replace("skipped", "cannot run") + " — required in CI")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    # Playwright's sync API runs an event loop; Django refuses ORM calls from such a thread unless told.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in_with_code(page: Any, live_server: Any, user: Any, *, then: str) -> None:
    """Sign a persona in through the real form: password, then the authenticator's current code;
    waits for the ``then`` selector of the page that follows."""
    from sabeel.core.otp import confirmed_totp_device, current_code
    from sabeel.workgroups.testing import PASSWORD

    device = confirmed_totp_device(user)
    assert device is not None
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.fill("input[name=code]", current_code(device))
    page.click("form.form button[type=submit]")
    page.wait_for_selector(then)
