"""The Docker image and compose file, checked without a container engine (CI has none).

The image's install is deploy/install.sh, the same script CI runs on the same wheel in
check_installed.sh; these tests hold the Dockerfile, the script and CI to that.
"""

from __future__ import annotations

import re

import yaml

from ..conftest import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()
INSTALL = (REPO / "deploy" / "install.sh").read_text()
CHECK = (REPO / "tests" / "packaging" / "check_installed.sh").read_text()
COMPOSE = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())


def _instructions(text: str) -> list[str]:
    """Dockerfile instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_the_image_builds_the_wheel_and_installs_it_with_the_shared_script():
    steps = _instructions(DOCKERFILE)
    assert any(s.startswith("RUN python -m build --wheel") for s in steps)
    assert "COPY deploy/install.sh /usr/local/bin/takedowns-install" in steps
    assert any(s.startswith("RUN takedowns-install --system-packages python /tmp/dist/*.whl") for s in steps)
    assert not any("pip install" in s and "[web]" in s for s in steps)  # the old web-only image
    assert steps[-1] == 'CMD ["takedowns", "--log-format", "json", "run"]'
    assert "USER takedowns" in steps


def test_the_install_script_brings_every_feature():
    assert "apt-get install -y --no-install-recommends chromium postgresql-client" in INSTALL
    assert '-m pip install --quiet --no-input "${WHEEL}[all]"' in INSTALL


def test_ci_runs_the_same_script_on_the_built_wheel():
    assert '"$REPO/deploy/install.sh" "$WORK/venv/bin/python" "$WHEEL"' in CHECK
    assert "tests/packaging/check_installed.sh" in (REPO / ".ci" / "run").read_text()


def test_compose_runs_daemon_desk_and_postgres_on_one_data_volume():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "daemon", "desk"}
    assert services["daemon"]["command"][-1] == "run"
    assert services["desk"]["command"][3:5] == ["serve", "--host"]
    assert services["desk"]["ports"] == ["127.0.0.1:8765:8765"]  # the host's loopback only
    for name in ("daemon", "desk"):
        env = services[name]["environment"]
        assert env["TAKEDOWNS_CATALOGUE_URL"].startswith("postgresql+psycopg://takedowns@postgres:")
        assert (
            "PGPASSWORD" in env and ":" not in env["TAKEDOWNS_CATALOGUE_URL"].split("//", 1)[1].split("@")[0]
        )  # no password in the URL
        assert services[name]["volumes"] == ["data:/data"]
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "TAKEDOWNS_WEB_TOKEN" in services["desk"]["environment"]
    entrypoint = (REPO / "deploy" / "docker-entrypoint.sh").read_text()
    assert "TAKEDOWNS_CATALOGUE_URL" in entrypoint
