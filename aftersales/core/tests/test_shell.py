"""The shell of every page: sign in, language, time zone, menu by role, the bell."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.core.models import Notification
from aftersales.core.navigation import ENTRIES, menu
from aftersales.core.notifications import notify
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_menu_entry_has_a_page() -> None:
    for entry in ENTRIES:
        assert reverse(entry.url_name)


def test_the_menu_follows_the_role(world: World) -> None:
    def keys(user: Any) -> set[str]:
        return {item["key"] for item in menu(user)}

    assert {"requests", "register"} <= keys(world.agent)
    assert "dashboard" not in keys(world.agent)
    assert "my-work" in keys(world.engineer)
    assert "dashboard" in keys(world.director)
    assert keys(world.acme_portal) == {"portal"}


def test_home_sends_each_user_to_the_first_page_of_their_role(world: World) -> None:
    assert Client().get("/")["Location"] == "/login/"
    assert _client(world.engineer).get("/")["Location"] == "/my-work/"
    assert _client(world.agent).get("/")["Location"] == "/requests/"
    assert _client(world.acme_portal).get("/")["Location"] == "/portal/"


def test_first_visit_follows_the_browser_language() -> None:
    english = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    chinese = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "<title>Sign in" in english
    assert '<html lang="zh-CN">' in chinese and "Sign in" not in chinese


def test_the_language_choice_is_remembered_for_the_user(world: World) -> None:
    client = _client(world.agent)
    response = client.post("/language/", {"language": "en", "next": "/requests/"})
    assert response.status_code == 302 and response["Location"] == "/requests/"
    world.agent.refresh_from_db()
    assert world.agent.language == "en"
    # Another device, a Chinese browser: the saved choice wins.
    other = _client(world.agent)
    page = other.get("/requests/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in page


def test_language_switch_refuses_unknown_codes_and_foreign_redirects(world: World) -> None:
    client = _client(world.agent)
    response = client.post("/language/", {"language": "fr", "next": "/requests/"})
    assert response.status_code == 302
    world.agent.refresh_from_db()
    assert world.agent.language != "fr"
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_times_are_shown_in_the_users_time_zone(world: World) -> None:
    client = _client(world.agent)
    response = client.post(
        "/preferences/",
        {
            "full_name": "王芳",
            "email": "",
            "phone": "",
            "language": "",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    world.agent.refresh_from_db()
    assert world.agent.time_zone == "Europe/Berlin"
    bad = client.post(
        "/preferences/",
        {"full_name": "王芳", "email": "not-an-email", "time_zone": "Europe/Berlin"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "Email: Enter a valid email address." in bad.content.decode()


def test_the_bell_counts_unread_and_lists_them_in_the_readers_language(world: World) -> None:
    notify(
        users=[world.agent.pk],
        kind="request_assigned",
        params={"number": "SR-2026-000001", "title": "泵漏水"},
        url="/requests/",
    )
    client = _client(world.agent)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SR-2026-000001 is now yours" in page
    assert "data-unread>1<" in page
    partial = client.get("/notifications/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "SR-2026-000001" in partial
    note = Notification.objects.get(user=world.agent)
    response = client.post("/notifications/read/", {"id": note.pk, "follow": "1"})
    assert response["Location"] == "/requests/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_nobody_marks_another_users_notifications(world: World) -> None:
    (note,) = notify(users=[world.engineer.pk], kind="customer_replied", params={"number": "X"})
    _client(world.agent).post("/notifications/read/", {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_pages_need_a_signed_in_user() -> None:
    for url in ("/requests/", "/my-work/", "/search/?q=x", "/notifications/", "/preferences/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("count", [2, 20])
def test_the_bell_partial_costs_the_same_queries_for_2_and_20_notifications(
    world: World, count: int, django_assert_num_queries: Any
) -> None:
    for i in range(count):
        notify(users=[world.agent.pk], kind="customer_replied", params={"number": f"SR-{i}"})
    client = _client(world.agent)
    client.get("/notifications/", HTTP_HX_REQUEST="true")
    with django_assert_num_queries(3):  # session, user, the rows
        response = client.get("/notifications/", HTTP_HX_REQUEST="true")
    assert response.content.decode().count("SR-") == count
