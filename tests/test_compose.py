"""docker-compose.yml runs what `runstack` runs (`docker compose config` is not available here)."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from faceapp.management.commands import runstack

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_a_service_for_every_process_of_runstack():
    services = compose()["services"]
    assert set(runstack.PROCESSES) <= set(services), sorted(set(runstack.PROCESSES) - set(services))
    assert "beat" in services  # the periodic work (token refresh, re-crawl, stall recovery) runs there too


def test_the_celery_services_run_the_same_commands_as_runstack():
    services = compose()["services"]
    var_dir = services["worker"]["environment"]["VAR_DIR"]
    workers = int(shlex.split(services["worker"]["command"])[-1])
    expected = runstack.celery_commands(workers, var_dir)
    assert set(expected) == {"worker", "beat"}
    for name, command in expected.items():
        assert shlex.split(services[name]["command"]) == command, name
        assert services[name]["environment"]["VAR_DIR"] == var_dir  # beat's schedule lands on the volume


def test_the_web_service_migrates_then_serves_the_wsgi_app_on_the_broker_and_database():
    services = compose()["services"]
    command = services["web"]["command"]
    assert "manage.py migrate" in command and "faceapp.wsgi:application" in command
    for name in ("web", "worker", "beat"):
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
