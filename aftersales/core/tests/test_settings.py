"""Configuration: production passes the deploy check; bad values fail at start, clearly."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AFTERSALES_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    full_env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings",
        "AFTERSALES_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "AFTERSALES_ENV": "production",
            "AFTERSALES_SECRET_KEY": secrets.token_urlsafe(64),
            "AFTERSALES_ALLOWED_HOSTS": "service.example.com",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(64))
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "AFTERSALES_ENV": "production",
            "AFTERSALES_SECRET_KEY_FILE": str(key_file),
            "AFTERSALES_ALLOWED_HOSTS": "service.example.com",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AFTERSALES_ENV": "production"}, "AFTERSALES_SECRET_KEY"),
        ({"AFTERSALES_ENV": "staging"}, "AFTERSALES_ENV='staging'"),
        ({"AFTERSALES_DEBUG": "maybe"}, "AFTERSALES_DEBUG='maybe' is not a boolean"),
        ({"AFTERSALES_MAX_UPLOAD_MB": "lots"}, "AFTERSALES_MAX_UPLOAD_MB='lots' is not an integer"),
        ({"DATABASE_URL": "mysql://x@localhost/db"}, "DATABASE_URL must point to PostgreSQL"),
    ],
)
def test_bad_configuration_fails_at_start_naming_the_variable(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
