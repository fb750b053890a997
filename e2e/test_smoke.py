"""Smoke test of the browser set-up: sign in through a real form, on a desk and on a phone.

The application's own /login/ page is not there yet, so this uses the admin's login form
(same field names).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.conftest import Locale, PageFactory, Viewport, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "e2e-Secret-42"  # noqa: S105


# The admin index title, in the language LocaleMiddleware picked from Accept-Language.
TITLES = {"zh-CN": "站点管理", "en-US": "Site administration"}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_admin_sign_in_through_the_browser(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    viewport: Viewport,
    locale: Locale,
) -> None:
    get_user_model().objects.create_superuser("e2e.admin", "e2e@example.com", PASSWORD)
    browser_page = page(viewport, locale)

    login(browser_page, live_server.url, "e2e.admin", PASSWORD, path="/admin/login/")

    expect(browser_page).to_have_url(f"{live_server.url}/admin/")
    expect(browser_page.locator("#content h1")).to_have_text(TITLES[locale])
    shot(browser_page, "admin-index")
