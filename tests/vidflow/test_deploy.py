"""The deployment files and production settings, as the README's "Deploying" section sets them:
``manage.py check --deploy`` is clean with its variables (and is not without them), compose.yaml
validates (``docker-compose config``, no engine needed) and gets every process from them, the
Procfile names the same processes, every variable either file reads is in the README, and
``LOG_FORMAT=json`` writes one JSON object a line with the run id."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
README = (ROOT / "README.md").read_text()
PROCESSES = {
    "release",
    "web",
    "worker_default",
    "worker_text",
    "worker_media",
    "worker_render",
    "worker_webhooks",
    "beat",
}


def deploying_section() -> str:
    start = README.index("\n## Deploying")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def production_env() -> dict[str, str]:
    """The .env of the README's "Deploying" section, its ``change-me`` values made up here."""
    block = re.search(r"```dotenv\n(.*?)```", deploying_section(), re.S)
    assert block, "the Deploying section has no ```dotenv block"
    env: dict[str, str] = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        env[name] = secrets.token_urlsafe(50) if value == "change-me" else value
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "DJANGO_SETTINGS_MODULE": "vidflow.settings",
        "PYTHONPATH": str(ROOT),
    }


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_variables() -> None:
    env = {**_base_env(), **production_env(), "DEBUG": "0", "AWS_STORAGE_BUCKET_NAME": "vidflow"}

    checked = _check_deploy(env)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_check_deploy_is_not_clean_without_them() -> None:
    env = {**_base_env(), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}

    checked = _check_deploy(env)

    assert checked.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in checked.stdout + checked.stderr


def test_s3_settings_come_from_the_variables() -> None:
    env = {
        **_base_env(),
        **production_env(),
        "AWS_STORAGE_BUCKET_NAME": "vidflow",
        "AWS_S3_ENDPOINT_URL": "http://s3:8333",
        "ARTIFACT_URL_MAX_AGE": "7200",
    }
    shown = _python(
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))",
        env,
    )
    assert shown.returncode == 0, shown.stderr
    storage = json.loads(shown.stdout)
    assert storage["BACKEND"] == "vidflow.s3.ArtifactS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "vidflow"
    assert options["endpoint_url"] == "http://s3:8333"
    assert options["public_endpoint_url"] == env["AWS_S3_PUBLIC_ENDPOINT_URL"]
    assert options["querystring_expire"] == 7200  # links last what the server's own links do


def _compose() -> str | None:
    return shutil.which("docker-compose")


@pytest.fixture
def compose_dir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "compose.yaml", tmp_path / "compose.yaml")
    shutil.copy(ROOT / "Dockerfile", tmp_path / "Dockerfile")
    return tmp_path


def _config(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    compose = _compose()
    if compose is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing (scripts/system-deps.sh installs it)")
        pytest.skip("docker-compose is not installed (scripts/system-deps.sh installs it)")
    (folder / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    return subprocess.run(
        [compose, "-f", "compose.yaml", "config"],
        cwd=folder,
        env={"PATH": os.environ["PATH"], "HOME": str(folder)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_file_validates_and_takes_everything_from_the_env_file(compose_dir: Path) -> None:
    env = production_env()

    shown = _config(compose_dir, env)

    assert shown.returncode == 0, shown.stderr
    config = yaml.safe_load(shown.stdout)
    services = config["services"]
    assert set(services) == {
        "postgres", "redis", "s3", "migrate", "web", "beat",
        "worker-default", "worker-text", "worker-media", "worker-render", "worker-webhooks",
    }  # fmt: skip
    web = services["web"]
    assert web["environment"]["SECRET_KEY"] == env["SECRET_KEY"]
    assert web["environment"]["SECURE_HSTS_SECONDS"] == env["SECURE_HSTS_SECONDS"]
    assert "gunicorn" in web["command"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    queues = {
        name: service["command"][service["command"].index("-Q") + 1]
        for name, service in services.items()
        if name.startswith("worker-")
    }
    assert queues == {
        "worker-default": "celery",
        "worker-text": "celery.text",
        "worker-media": "celery.media",
        "worker-render": "celery.render",
        "worker-webhooks": "celery.webhooks",
    }
    assert services["beat"]["command"][:4] == ["celery", "-A", "vidflow", "beat"]
    assert "migrate" in " ".join(services["migrate"]["command"])
    assert "create_bucket" in " ".join(services["migrate"]["command"])


def test_compose_refuses_to_start_without_a_required_variable(compose_dir: Path) -> None:
    env = production_env()
    del env["SECRET_KEY"]

    shown = _config(compose_dir, env)

    assert shown.returncode != 0
    assert "SECRET_KEY" in shown.stderr


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    entries = [re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line) for line in lines]
    return {m.group(1): m.group(2) for m in entries if m}


def test_the_procfile_runs_the_same_processes() -> None:
    processes = procfile()

    assert set(processes) == PROCESSES
    assert processes["web"].startswith("gunicorn vidflow.wsgi:application")
    for workload in ("text", "media", "render", "webhooks"):
        assert f"-Q ${{CELERY_QUEUE:-celery}}.{workload} " in processes[f"worker_{workload}"]
    assert "manage.py migrate" in processes["release"]


def test_every_variable_the_deployment_files_read_is_in_the_readme() -> None:
    text = (ROOT / "compose.yaml").read_text() + (ROOT / "Procfile").read_text()
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", README))

    assert names - documented == set()


def test_json_logs_carry_the_run_id() -> None:
    env = {**_base_env(), "SECRET_KEY": "x" * 50, "LOG_FORMAT": "json", "DEBUG": "0"}
    code = (
        "import django, logging; django.setup(); from vidflow.logs import bound_run\n"
        "log = logging.getLogger('projects.test')\n"
        "with bound_run('run-1'):\n    log.info('inside %s', 'a run')\n"
        "log.warning('outside')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n"
        "    with bound_run('run-2'):\n        log.exception('failed')\n"
    )

    ran = _python(code, env)

    assert ran.returncode == 0, ran.stderr
    lines: list[dict[str, Any]] = [json.loads(line) for line in ran.stderr.splitlines()]
    assert [(entry["message"], entry["run_id"]) for entry in lines] == [
        ("inside a run", "run-1"),
        ("outside", None),
        ("failed", "run-2"),
    ]
    assert (lines[0]["level"], lines[0]["logger"]) == ("INFO", "projects.test")
    assert "ZeroDivisionError" in lines[2]["exception"]


def test_plain_logs_name_the_run_too() -> None:
    env = {**_base_env(), "SECRET_KEY": "x" * 50, "DEBUG": "0"}
    code = (
        "import django, logging; django.setup(); from vidflow.logs import bound_run\n"
        "with bound_run('run-1'):\n    logging.getLogger('projects.test').info('hello')\n"
    )

    ran = _python(code, env)

    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.strip().endswith("INFO projects.test: hello [run run-1]")


def test_a_bad_log_format_stops_the_process() -> None:
    ran = _python(
        "import django; django.setup()",
        {**_base_env(), "SECRET_KEY": "x" * 50, "LOG_FORMAT": "xml"},
    )
    assert ran.returncode != 0
    assert "LOG_FORMAT" in ran.stderr
