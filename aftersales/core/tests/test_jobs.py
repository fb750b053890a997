"""Background jobs: the same task code runs on SqliteHuey and on a real Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from huey import RedisHuey, SqliteHuey

from conftest import need


def _roundtrip(huey: RedisHuey | SqliteHuey) -> int:
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    # A consumer would do exactly this: take the message off the queue and execute it.
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)
    return int(result.get(blocking=True, timeout=5))


def test_tasks_run_through_sqlite_huey(tmp_path) -> None:
    huey = SqliteHuey("aftersales-test", filename=str(tmp_path / "huey.sqlite3"))
    assert _roundtrip(huey) == 5


@pytest.mark.redis
def test_tasks_run_through_redis_huey_for_scale_out() -> None:
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    huey = RedisHuey(f"aftersales-test-{uuid.uuid4().hex}", url=url)
    try:
        huey.storage.conn.ping()
    except Exception as exc:
        need("redis", f"Redis is not reachable at {url}: {exc}")
    try:
        assert _roundtrip(huey) == 5
    finally:
        huey.storage.flush_all()


def test_settings_choose_redis_huey_when_redis_url_is_set(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    code = "from django.conf import settings; print(type(settings.HUEY).__name__)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERSALES_")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "aftersales.settings", "AFTERSALES_DATA_DIR": str(tmp_path)}
    )
    env.pop("DATABASE_URL", None)
    plain = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    redis = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.strip() == "SqliteHuey"
    assert redis.stdout.strip() == "RedisHuey"
