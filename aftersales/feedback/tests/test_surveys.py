"""Satisfaction surveys: sent on resolution, answered once without signing in, expire."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, ValidationError
from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.feedback.models import Survey
from aftersales.feedback.services import surveys as sv
from aftersales.feedback.tests.helpers import resolved
from aftersales.service.models import ServiceRequest
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _fresh(world: World) -> tuple[Survey, str]:
    """A survey with a known token (the one sent on resolution is only mailed)."""
    req = resolved(world)
    Survey.objects.filter(request=req).delete()
    survey, token = sv.send_survey(actor=world.agent, request=req)
    assert survey is not None and token is not None
    return survey, token


def test_resolution_sends_one_survey_to_the_contact(world: World) -> None:
    req = resolved(world)
    survey = Survey.objects.get(request=req)
    assert survey.contact == world.acme_contact
    assert survey.expires_at > clock.now()
    assert len(survey.token_hash) == 64
    note = Notification.objects.get(user=world.acme_portal, kind="survey_invitation")
    assert note.url.startswith("/survey/")
    assert "survey_sent" in [h.action for h in history_for(req)]
    again, token = sv.send_survey(actor=world.agent, request=req)
    assert again == survey and token is None


def test_the_token_is_stored_only_as_a_hash(world: World) -> None:
    survey, token = _fresh(world)
    assert token not in survey.token_hash
    assert sv.survey_by_token(token) == survey
    assert sv.survey_by_token(token + "x") is None


def test_an_answer_is_stored_once(world: World) -> None:
    survey, token = _fresh(world)
    sv.answer_survey(token=token, attitude=5, speed=4, result=5, comment="很好")
    survey.refresh_from_db()
    assert (survey.attitude, survey.speed, survey.result) == (5, 4, 5)
    assert "survey_answered" in [h.action for h in history_for(survey.request)]
    with pytest.raises(Conflict) as exc:
        sv.answer_survey(token=token, attitude=1, speed=1, result=1)
    assert exc.value.code == "answered"
    survey.refresh_from_db()
    assert survey.attitude == 5


def test_an_expired_link_is_refused(world: World) -> None:
    survey, token = _fresh(world)
    Survey.objects.filter(pk=survey.pk).update(expires_at=clock.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict) as exc:
        sv.answer_survey(token=token, attitude=5, speed=5, result=5)
    assert exc.value.code == "expired"


def test_scores_outside_one_to_five_name_the_field(world: World) -> None:
    _survey, token = _fresh(world)
    with pytest.raises(ValidationError) as exc:
        sv.answer_survey(token=token, attitude=6, speed=0, result=3)
    assert set(exc.value.message_dict) == {"attitude", "speed"}


def test_the_survey_page_works_without_signing_in(world: World) -> None:
    _survey, token = _fresh(world)
    client = Client()
    url = reverse("feedback:survey", kwargs={"token": token})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "服务态度" in page.content.decode()
    answered = client.post(url, {"attitude": "5", "speed": "5", "result": "4", "comment": ""})
    assert answered.status_code == 200
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "already been answered" in again.content.decode()
    twice = client.post(url, {"attitude": "1", "speed": "1", "result": "1"})
    assert twice.status_code == 200
    assert Survey.objects.get(pk=_survey.pk).attitude == 5


def test_the_survey_page_refuses_unknown_and_expired_links(world: World) -> None:
    survey, token = _fresh(world)
    client = Client()
    assert client.get(reverse("feedback:survey", kwargs={"token": "nope"})).status_code == 404
    Survey.objects.filter(pk=survey.pk).update(expires_at=clock.now() - dt.timedelta(days=1))
    page = client.get(
        reverse("feedback:survey", kwargs={"token": token}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "expired" in page.content.decode()
    assert 'name="attitude"' not in page.content.decode()
    refused = client.post(
        reverse("feedback:survey", kwargs={"token": token}),
        {"attitude": "5", "speed": "5", "result": "5"},
    )
    assert 'name="attitude"' not in refused.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_missing_score_names_the_field_on_the_page(world: World) -> None:
    _survey, token = _fresh(world)
    page = Client().post(
        reverse("feedback:survey", kwargs={"token": token}),
        {"attitude": "5", "speed": "5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400
    assert page.context["form"].errors.keys() == {"result"}


def test_surveys_are_hidden_from_an_outsider_department(world: World) -> None:
    _fresh(world)
    assert Survey.objects.visible_to(world.manager).exists()
    assert not Survey.objects.visible_to(world.outsider_manager).exists()
    assert not Survey.objects.visible_to(world.acme_portal).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_submit_at_once_stores_one_answer() -> None:
    from aftersales.testing.world import build_world

    world = build_world()
    survey, token = _fresh(world)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit(score: int) -> None:
        barrier.wait()
        try:
            sv.answer_survey(token=token, attitude=score, speed=score, result=score)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(s,)) for s in (5, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Survey.objects.filter(pk=survey.pk, answered_at__isnull=False).count() == 1
    ServiceRequest.objects.all()  # the world is flushed by the transactional test


def test_a_second_submission_of_a_stale_page_is_refused(world: World) -> None:
    """Both submissions passed the page's check; the row's compare-and-swap keeps one."""
    survey, token = _fresh(world)
    sv.answer_survey(token=token, attitude=4, speed=4, result=4)
    Survey.objects.filter(pk=survey.pk).update()  # no-op: the row is answered
    with pytest.raises(Conflict):
        sv.answer_survey(token=token, attitude=2, speed=2, result=2)


def test_the_link_is_mailed_when_the_site_address_is_known(
    world: World, django_capture_on_commit_callbacks, settings
) -> None:
    from django.core import mail

    settings.AFTERSALES_BASE_URL = "https://service.example.com"
    world.acme_contact.email = "zhang.wei@acme.example.com"
    world.acme_contact.save()
    with django_capture_on_commit_callbacks(execute=True):
        resolved(world)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang.wei@acme.example.com"]
    assert "https://service.example.com/survey/" in mail.outbox[0].body
