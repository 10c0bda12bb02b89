"""Settings read the environment in one place and refuse bad values at start, by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "vidflow.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_secret_key_with_debug_off_refuses_to_start(tmp_path: Path) -> None:
    result = _start(DEBUG="0", VIDFLOW_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert str(tmp_path / "secret_key") in result.stderr


def test_manage_py_reads_the_key_make_run_generated(tmp_path: Path) -> None:
    """`manage.py createsuperuser`, as the start-up banner says, on the embedded default: no
    SECRET_KEY exported, the one in var/secret_key is used."""
    (tmp_path / "secret_key").write_text("generated-by-make-run-" + "x" * 40 + "\n")
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(DEBUG="0", VIDFLOW_VAR_DIR=str(tmp_path))
    check = [sys.executable, "manage.py", "check"]
    key = [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; "
           "print(settings.SECRET_KEY)"]  # fmt: skip

    checked = subprocess.run(check, env=clean, cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=False)  # fmt: skip
    printed = subprocess.run(key, env=clean, cwd=ROOT, capture_output=True, text=True,
                             timeout=120, check=False)  # fmt: skip

    assert checked.returncode == 0, checked.stderr
    assert "ImproperlyConfigured" not in checked.stderr
    assert printed.stdout.strip().splitlines()[-1] == "generated-by-make-run-" + "x" * 40


def test_debug_on_starts_without_a_secret_key() -> None:
    assert _start(DEBUG="1").returncode == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe-ish"),
        ("CELERY_TASK_TIME_LIMIT", "ten"),
        ("CELERY_TASK_SOFT_TIME_LIMIT", "9999"),
        ("CELERY_BROKER_VISIBILITY_TIMEOUT", "60"),
        ("CREDIT_PRICES_JSON", '{"render": -1}'),
        ("ARTIFACT_URL_MAX_AGE", "0"),
        ("RATE_LIMIT_AUTH", "fast"),
        ("RATE_LIMIT_GENERATION", "0/m"),
        ("RATE_LIMIT_FAIL_OPEN", "perhaps"),
        ("VISUAL_BIBLE_MAX_CHARACTERS", "-1"),
        ("VISUAL_BIBLE_MAX_LOCATIONS", "many"),
        ("NARRATION_WORDS_PER_MINUTE", "20"),
        ("RUN_HEARTBEAT_SECONDS", "0"),
        ("RUN_LEASE_SECONDS", "20"),
        ("RUN_WORKER_ATTEMPTS", "none"),
    ],
)
def test_a_bad_value_fails_at_start_naming_the_variable(name: str, value: str) -> None:
    result = _start(SECRET_KEY="x", **{name: value})

    assert result.returncode != 0
    assert name in result.stderr.splitlines()[-1]


def test_the_configured_limits_keep_celery_honest(settings: object) -> None:
    """reliability.md 23: a task is never redelivered while it may still be running."""
    from django.conf import settings as django_settings

    soft = django_settings.CELERY_TASK_SOFT_TIME_LIMIT
    hard = django_settings.CELERY_TASK_TIME_LIMIT
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert soft < hard < visibility
    from vidflow.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    # reliability.md 33: leases bring a dead worker's work back well before the broker would.
    heartbeat = django_settings.RUN_HEARTBEAT_SECONDS
    lease = django_settings.RUN_LEASE_SECONDS
    reaper = django_settings.RUN_REAPER_SECONDS
    assert lease >= 3 * heartbeat
    assert django_settings.RUN_RECOVERY_SECONDS == lease + reaper + 5 < visibility
    assert app.conf.beat_schedule["reap-overdue-runs"]["schedule"] == reaper


def _readme_row(variable: str) -> str:
    readme = (ROOT / "README.md").read_text()
    return next(line for line in readme.splitlines() if line.startswith(f"| `{variable}`"))


def test_the_readme_states_the_limits_and_recovery_time_the_code_uses() -> None:
    """Issue 11, break 12: the README said a 7200 s visibility timeout where the code used 900."""
    from django.conf import settings as s

    limits = _readme_row("CELERY_TASK_SOFT_TIME_LIMIT")
    leases = _readme_row("RUN_HEARTBEAT_SECONDS")

    soft, hard, visibility = (
        s.CELERY_TASK_SOFT_TIME_LIMIT,
        s.CELERY_TASK_TIME_LIMIT,
        s.CELERY_BROKER_VISIBILITY_TIMEOUT,
    )
    assert f"| {soft}, {hard}, {visibility} s |" in limits
    heartbeat, lease, reaper = s.RUN_HEARTBEAT_SECONDS, s.RUN_LEASE_SECONDS, s.RUN_REAPER_SECONDS
    assert f"| {heartbeat}, {lease}, {reaper} s; {s.RUN_WORKER_ATTEMPTS} |" in leases
    assert f"**{s.RUN_RECOVERY_SECONDS} s**" in leases


_IS_SECURE = (
    "import django; django.setup(); from django.test import RequestFactory; "
    "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
)


@pytest.mark.parametrize(
    ("behind_proxy", "secure"), [(None, "False"), ("0", "False"), ("1", "True")]
)
def test_x_forwarded_proto_is_believed_only_behind_a_declared_proxy(
    behind_proxy: str | None, secure: str
) -> None:
    """Any client can send X-Forwarded-Proto: it says HTTPS only when BEHIND_TLS_PROXY=1."""
    env = {k: v for k, v in os.environ.items() if k != "BEHIND_TLS_PROXY"}
    if behind_proxy is not None:
        env["BEHIND_TLS_PROXY"] = behind_proxy
    result = subprocess.run(
        [sys.executable, "-c", _IS_SECURE],
        env={**env, "DJANGO_SETTINGS_MODULE": "vidflow.settings", "SECRET_KEY": "x", "DEBUG": "0"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.stdout.strip() == secure, result.stderr[-2000:]
