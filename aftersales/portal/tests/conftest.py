"""Helpers for portal tests: private uploads in a temporary folder, requests in any state."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from aftersales.customers.models import Equipment
from aftersales.service import services as s
from aftersales.service.models import ServiceRequest
from aftersales.testing import factories as f
from aftersales.testing.world import World


@pytest.fixture(autouse=True)
def private_files(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary folder, never to var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def upload(name: str = "photo.jpg", content: bytes = b"\xff\xd8\xff fake jpeg") -> Any:
    """A small uploaded file."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def login(user: Any) -> Client:
    """A browser signed in as ``user``, asking for English (the user's own choice wins)."""
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def unit_of(world: World, company: Any = None, **kwargs: Any) -> Equipment:
    """A unit of acme (or ``company``) at a site of its own."""
    company = company or world.acme
    site = f.SiteFactory(company=company)
    unit = f.EquipmentFactory(company=company, site=site, product_model=world.model, **kwargs)
    return cast(Equipment, unit)


def in_progress(world: World, company: Any = None, title: str = "冷却水泵漏水") -> ServiceRequest:
    """A request of acme (or ``company``) accepted by the engineer and being worked on."""
    company = company or world.acme
    owner = world.engineer if company == world.acme else world.outsider_engineer
    request = s.register_request(
        actor=world.agent,
        data={"channel": "phone", "request_type": "fault", "company": company, "title": title},
    )
    request = s.accept_request(
        actor=world.agent, request=request, expected_version=None, owner=owner
    )
    return s.start_work(actor=owner, request=request, expected_version=request.version)


def resolved(world: World, company: Any = None) -> ServiceRequest:
    """A request waiting for the customer's confirmation."""
    request = in_progress(world, company)
    return s.resolve(
        actor=world.director,
        request=request,
        expected_version=request.version,
        resolution="更换了机械密封，试运行两小时无泄漏。",
    )
