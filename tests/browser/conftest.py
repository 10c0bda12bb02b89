"""Browser tests: Playwright driving Debian's chromium against a live server and a real worker.

Playwright's own browser download cannot work here, so the browser is /usr/bin/chromium
(scripts/system-deps.sh installs it). One browser serves the whole session; each test gets a new
context (its own cookies and storage) and page. ``launch`` starts chromium on a fresh temporary
user-data-dir of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.models import User
from tests.workers import Worker

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Chromium reports every 4xx/5xx answer to a fetch on the console; a test that provokes one on
# purpose says which status it expects.
FAILED_RESOURCE = re.compile(
    r"Failed to load resource: the server responded with a status of (\d+)"
)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium: run scripts/system-deps.sh"
        )
    from playwright.sync_api import sync_playwright

    # The sync API runs an event loop in this thread; the test's own ORM calls (setting up
    # rows, checking them) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Browsing:
    """A page on the live server, with what went wrong in it on the way."""

    page: Any
    url: str
    context: Any
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)

    def wait_ready(self) -> None:
        """Until the page's module has wired its buttons (``<html data-ready>``): a click or a
        key pressed before that does nothing."""
        self.page.locator("html[data-ready=true]").wait_for(state="attached")

    def log_in(self, user: User) -> None:
        """Sign the context in as ``user`` (a session made server-side, as a log-in would)."""
        client = Client()
        client.force_login(user)
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": self.url}]
        )

    def unlabelled_controls(self) -> list[str]:
        """Controls a screen reader could not name, and pictures without alternative text."""
        return list(
            self.page.evaluate(
                """() => {
                  const named = (el) => {
                    const by = el.getAttribute("aria-labelledby");
                    const text = el.getAttribute("aria-label")
                      || (el.labels && Array.from(el.labels).map((l) => l.textContent).join(" "))
                      || (by && by.split(" ").map((id) => document.getElementById(id)?.textContent)
                                  .join(" "))
                      || (el.matches("button, a") ? el.textContent : "");
                    return Boolean(text && text.trim());
                  };
                  const controls = document.querySelectorAll(
                    "input:not([type=hidden]), select, textarea, button, a[href], audio, video");
                  return [
                    ...Array.from(controls).filter((el) => !named(el)),
                    ...document.querySelectorAll("img:not([alt])"),
                  ].map((el) => el.outerHTML.slice(0, 160));
                }"""
            )
        )

    def unexpected_console_errors(self) -> list[str]:
        unexpected = []
        for message in self.console_errors:
            failed = FAILED_RESOURCE.search(message)
            if failed is None or int(failed.group(1)) not in self.expected_statuses:
                unexpected.append(message)
        return unexpected


@pytest.fixture
def browsing(
    chromium: Any, live_server: Any, start_worker: Callable[..., Worker], settings: Any
) -> Iterator[Browsing]:
    """A fresh browser context on the live server, a worker running the offline providers, and
    artifact links pointing at the live server. Fails the test on a script error or an
    unexpected error on the console."""
    settings.PUBLIC_BASE_URL = live_server.url
    start_worker()
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    browsing = Browsing(page=page, url=live_server.url, context=context)
    page.on("pageerror", lambda error: browsing.page_errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            browsing.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield browsing
    context.close()
    assert browsing.page_errors == []
    assert browsing.unexpected_console_errors() == []
