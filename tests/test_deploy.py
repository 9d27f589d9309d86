"""deploy/: what can be checked without Docker (which cannot run here): compose file, Dockerfile, nginx -t."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import harness
import yaml
from proxy import CONFIG, config_for

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def test_compose_runs_postgres_with_a_volume_two_replicas_and_nginx():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "app1", "app2", "proxy"} <= set(services)
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"]) and "pgdata" in compose["volumes"]
    app1, app2 = services["app1"], services["app2"]
    assert app1["environment"] == app2["environment"]  # same database, same cookie secret
    assert app1["environment"]["ASSKOMM_DB"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in app1["environment"]["ASSKOMM_DB"]
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app1["environment"]
    assert app1["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"][-2:] == ["db", "upgrade"]
    mount = services["proxy"]["volumes"][0].split(":")
    assert (DEPLOY / mount[0]).resolve() == CONFIG and mount[1] == "/etc/nginx/nginx.conf"
    # nginx's upstreams are exactly the app services, on Streamlit's port
    upstreams = re.findall(r"^\s*server\s+(\S+?):(\d+)", CONFIG.read_text(), re.M)
    assert sorted(upstreams) == [("app1", "8501"), ("app2", "8501")]
    # every ${VAR} the compose file needs is explained in env.example
    needed = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text()))
    documented = set(re.findall(r"^(\w+)=", (DEPLOY / "env.example").read_text(), re.M))
    assert needed <= documented, needed - documented


def test_dockerfile_is_slim_unprivileged_pinned_and_health_checked():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "pip install --no-cache-dir -r requirements.txt" in text
    health = re.search(r"HEALTHCHECK.*\n\s*CMD (.*)", text).group(1)
    assert "asskomm.cli.health" in health and "http://127.0.0.1:8501" in health
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line.strip()), line
    assert (ROOT / ".dockerignore").read_text().count(".venv")
    # the app with its sign-in cookie routes (app.py), as scripts/start.sh starts it
    command = re.findall(r"^CMD (.*)", text, re.M)[-1]
    assert '"streamlit", "run", "app.py"' in command
    assert "streamlit run app.py" in (ROOT / "scripts" / "start.sh").read_text()


def test_session_length_of_the_deployment_is_the_apps_default():
    from asskomm.store.sessions import DEFAULT_SESSION_MINUTES

    compose = (DEPLOY / "compose.yaml").read_text()
    example = (DEPLOY / "env.example").read_text()
    assert f"${{ASSKOMM_SESSION_MINUTES:-{DEFAULT_SESSION_MINUTES}}}" in compose
    assert f"\nASSKOMM_SESSION_MINUTES={DEFAULT_SESSION_MINUTES}\n" in example


def test_nginx_accepts_the_configuration():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        harness.not_installed("nginx is not installed")
    prefix = Path(__import__("tempfile").mkdtemp(prefix="asskomm-nginx-t-"))
    try:
        conf = prefix / "nginx.conf"
        conf.write_text(config_for([8501, 8502], 8080, prefix))
        result = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        text = conf.read_text()
        assert "hash $asskomm_key consistent;" in text and not re.search(r"^\s*ip_hash", text, re.M)
        assert "proxy_set_header Upgrade $http_upgrade;" in text
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
