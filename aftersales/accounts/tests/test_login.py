"""Signing in: throttled after repeated failures; the API takes session or token auth."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


LOGIN_PAGES = ["/login/", "/api-auth/login/"]


def _login(client: Client, password: str, page: str = "/login/") -> int:
    response = client.post(
        page, {"username": "li.lei", "password": password, "next": "/api/v1/me/"}
    )
    return response.status_code


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_correct_password_signs_in(page: str) -> None:
    UserFactory(username="li.lei", roles=["agent"])
    client = Client()
    assert _login(client, "pass-Word-123", page) == 302
    assert client.get("/api/v1/me/").json()["username"] == "li.lei"


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_login_is_locked_after_five_failures_even_with_the_right_password(page: str) -> None:
    UserFactory(username="li.lei", roles=["agent"])
    client = Client()
    for _attempt in range(5):
        assert _login(client, "wrong", page) in (200, 429)
    assert _login(client, "pass-Word-123", page) == 429
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_anonymous_api_requests_are_refused() -> None:
    assert Client().get("/api/v1/companies/").status_code in (401, 403)
