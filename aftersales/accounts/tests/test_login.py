"""Signing in: throttled after repeated failures; the API takes session or token auth."""

from __future__ import annotations

import pytest
from django.test import Client

from aftersales.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, password: str) -> int:
    response = client.post(
        "/api-auth/login/", {"username": "li.lei", "password": password, "next": "/api/v1/me/"}
    )
    return response.status_code


def test_correct_password_signs_in() -> None:
    UserFactory(username="li.lei", roles=["agent"])
    client = Client()
    assert _login(client, "pass-Word-123") == 302
    assert client.get("/api/v1/me/").json()["username"] == "li.lei"


def test_login_is_locked_after_five_failures_even_with_the_right_password() -> None:
    UserFactory(username="li.lei", roles=["agent"])
    client = Client()
    for _attempt in range(5):
        assert _login(client, "wrong") in (200, 429)
    assert _login(client, "pass-Word-123") == 429
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_anonymous_api_requests_are_refused() -> None:
    assert Client().get("/api/v1/companies/").status_code in (401, 403)
