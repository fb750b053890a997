"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

A test module marks itself ``e2e`` and, because the live server runs in another thread and
our migrations load data (roles, SLA policies), uses a transactional database that is
restored after every test::

    pytestmark = [
        pytest.mark.e2e,
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]

Without /usr/bin/chromium the tests skip, or fail when ``AFTERSALES_REQUIRE`` names
``chromium`` (CI). Any JavaScript error in the browser console fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    WebError,
    expect,
    sync_playwright,
)

from conftest import need

# `playwright install` cannot download browsers here: always Debian's package.
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = Path(__file__).resolve().parent.parent / "test-results"

# pytest-django's live server binds "localhost" by default, which Chromium may resolve to ::1
# while the server listens on IPv4 only. No port: each xdist worker gets a free one.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

Viewport = Literal["desktop", "phone"]
Locale = Literal["zh-CN", "en-US"]

VIEWPORTS: dict[Viewport, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


class PageFactory(Protocol):
    def __call__(self, viewport: Viewport = "desktop", locale: Locale = "zh-CN") -> Page: ...


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        need("chromium", f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django then
    # refuses every ORM call, pytest-django's own set-up and flush included. Nothing here is
    # async (no async views or tests), so lift that guard while the browser session lasts.
    from django.db import connections

    before = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as instance:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Django keeps connections per context, and Playwright's greenlets give this thread
        # a new one: the test database's serialized contents (what serialized_rollback
        # restores after a flush: roles, SLA policies...) stayed on the old connection
        # objects. Without them a browser test after another transactional test in the
        # same worker started from an empty database.
        for alias, old in before.items():
            contents = getattr(old, "_test_serialized_contents", None)
            new = connections[alias]
            if new is not old and contents is not None:
                new._test_serialized_contents = contents  # type: ignore[attr-defined]
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Chromium refuses to start its sandbox as root (containers, CI).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[PageFactory]:
    """``page(viewport, locale)``: a new page in a fresh context (own cookies and storage).

    Playwright sends ``Accept-Language`` from the locale, which LocaleMiddleware follows.
    Console errors and uncaught exceptions of every page fail the test at teardown.
    """
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        where = message.location
        # Chromium probes /favicon.ico by itself, once per browser, for a page that declares
        # no icon: not the page's error, and it would hit whichever test runs first. A
        # declared icon that fails to load is still reported under its own address.
        if message.type == "error" and urlsplit(where["url"]).path != "/favicon.ico":
            page_url = message.page.url if message.page else "?"
            source = f"{where['url']}:{where['lineNumber']}"
            errors.append(f"console.error on {page_url}: {message.text} (at {source})")

    def on_error(error: WebError) -> None:
        url = error.page.url if error.page else "?"
        errors.append(f"uncaught {error.error.name} on {url}: {error.error.message}")

    contexts: list[BrowserContext] = []

    def new_page(viewport: Viewport = "desktop", locale: Locale = "zh-CN") -> Page:
        context = browser.new_context(
            locale=locale, timezone_id="Asia/Shanghai", **VIEWPORTS[viewport]
        )
        contexts.append(context)
        # Context-wide, so pages the app opens itself (target=_blank) are watched too.
        context.on("console", on_console)
        context.on("weberror", on_error)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors in the browser:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, name)``: full-page PNG at test-results/<test name>/<name>.png."""
    folder = RESULTS / re.sub(r"[^\w.\[\]-]+", "_", request.node.name)

    def take(page: Page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def login(
    page: Page, live_server_url: str, username: str, password: str, *, path: str = "/login/"
) -> None:
    """Sign in through the real form at ``path`` and wait until the browser has left it."""
    page.goto(live_server_url + path)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    # The form in the page body: the header has its own buttons (language switch).
    page.locator("main [type=submit]").click()
    # A refused login renders the form again at the same address.
    expect(page).not_to_have_url(re.compile(re.escape(live_server_url + path)))
