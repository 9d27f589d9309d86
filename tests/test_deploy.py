"""deploy/: what can be checked without Docker (which cannot run here): compose file, Dockerfile, the hashed
requirements, .dockerignore, the README's steps, nginx -t and the TLS and limit settings of nginx.conf."""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

import harness
import pytest
import yaml
from proxy import CONFIG, config_for
from tls import make_certificates

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
    # certificate and key come in read-only through a volume, at the paths nginx.conf names
    mounts = [v.rsplit(":", 2) for v in services["proxy"]["volumes"][1:]]
    assert [(m[1], m[2]) for m in mounts] == [("/etc/nginx/tls/cert.pem", "ro"), ("/etc/nginx/tls/key.pem", "ro")]
    assert [m[0] for m in mounts] == ["${ASSKOMM_TLS_CERT:?ASSKOMM_TLS_CERT in .env setzen}",
                                      "${ASSKOMM_TLS_KEY:?ASSKOMM_TLS_KEY in .env setzen}"]
    for _host, inside, _ro in mounts:
        assert f" {inside};" in CONFIG.read_text()
    assert sorted(p.split(":")[-1] for p in services["proxy"]["ports"]) == ["8080", "8443"]
    # the app servers trust X-Forwarded-For from exactly the proxy's fixed address, inside the network
    trusted = app1["environment"]["ASSKOMM_TRUSTED_PROXY"]
    assert services["proxy"]["networks"]["intern"]["ipv4_address"] == trusted
    subnet = compose["networks"]["intern"]["ipam"]["config"][0]["subnet"]
    default = lambda v: re.fullmatch(r"\$\{\w+:-(.+)\}", v).group(1)  # noqa: E731
    assert ipaddress.ip_address(default(trusted)) in ipaddress.ip_network(default(subnet))
    assert all("intern" in services[name]["networks"] for name in ("db", "migrate", "app1", "app2"))
    assert all(services[name]["logging"]["driver"] == "json-file" for name in services)
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
    assert "pip install --no-cache-dir --require-hashes --only-binary=:all: -r requirements-lock.txt" in text
    assert "COPY requirements-lock.txt ." in text
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
    prefix = Path(tempfile.mkdtemp(prefix="asskomm-nginx-t-"))
    try:
        make_certificates(prefix / "tls")
        conf = prefix / "nginx.conf"
        conf.write_text(config_for([8501, 8502], 8443, prefix, 8080))
        result = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        text = conf.read_text()
        assert "hash $asskomm_key consistent;" in text and not re.search(r"^\s*ip_hash", text, re.M)
        assert "proxy_set_header Upgrade $http_upgrade;" in text
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _server_blocks(text: str) -> list[str]:
    blocks, depth, start = [], 0, None
    for match in re.finditer(r"\bserver\s*\{|\{|\}", text):
        if match.group(0) != "}" and match.group(0).startswith("server") and depth == 1:
            start = match.start()
        depth += -1 if match.group(0) == "}" else 1
        if match.group(0) == "}" and depth == 1 and start is not None:
            blocks.append(text[start:match.end()])
            start = None
    return blocks


def test_nginx_tls_and_limits_as_the_security_concept_says():
    text = re.sub(r"#.*", "", CONFIG.read_text())
    plain, tls = _server_blocks(text)
    # port 80 (8080 in the container) only redirects
    assert re.search(r"listen 8080;", plain) and "proxy_pass" not in plain
    assert "return 301 https://$host$asskomm_https_port$request_uri;" in plain
    assert re.search(r"listen 8443 ssl;", tls)
    assert re.search(r"ssl_protocols TLSv1\.2 TLSv1\.3;", tls)
    ciphers = re.search(r"ssl_ciphers (\S+);", tls).group(1).split(":")
    assert ciphers and all(c.startswith("ECDHE-") and "-GCM-" in c for c in ciphers), ciphers
    suites = re.search(r"ssl_conf_command Ciphersuites (\S+);", tls).group(1).split(":")
    assert set(suites) <= {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256"}
    assert "ssl_session_tickets off;" in tls
    # HSTS and the cookie flags on every response: add_header only at server level (a location with its own
    # add_header would silently drop the server's), and every upstream cookie gets Secure
    locations = re.findall(r"location[^{]*\{[^}]*\}", tls)
    assert locations and not any("add_header" in loc for loc in locations)
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in tls
    assert "proxy_cookie_flags ~ secure;" in tls and "HttpOnly; Secure; SameSite=Lax" in text
    assert "proxy_set_header Host $http_host;" in tls and "$host;" not in tls.replace("$http_host;", "")
    # per-client limits: sign-in routes, new sessions, uploads (size above the app's own limit)
    upload = next(loc for loc in locations if "/_stcore/upload_file/" in loc)
    assert "limit_req zone=asskomm_upload" in upload and "limit_conn asskomm_conn" in upload
    size = int(re.search(r"client_max_body_size (\d+)m;", upload).group(1))
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert size > int(re.search(r"^maxUploadSize\s*=\s*(\d+)", config, re.M).group(1))
    assert any("limit_req zone=asskomm_signin" in loc and "anmelden" in loc for loc in locations)
    metrics = next(loc for loc in locations if "/_stcore/metrics" in loc)
    assert re.search(r"allow \S+;\s*deny all;", metrics)
    # headers large enough for an identity provider's tokens (streamlit#14290)
    buffers = re.search(r"large_client_header_buffers (\d+) (\d+)k;", text)
    assert int(buffers.group(2)) >= 32 and int(re.search(r"proxy_buffer_size (\d+)k;", text).group(1)) >= 32


def _requirements(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", path.read_text(), re.M)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins}


def test_the_hashed_requirements_pin_what_requirements_txt_pins():
    lock_text = (ROOT / "requirements-lock.txt").read_text()
    lock, direct = _requirements(ROOT / "requirements-lock.txt"), _requirements(ROOT / "requirements.txt")
    assert direct and all(lock.get(name) == version for name, version in direct.items()), {
        name: (version, lock.get(name)) for name, version in direct.items() if lock.get(name) != version}
    # every package, also the indirect ones, with at least one SHA-256
    entries = re.findall(r"^([A-Za-z0-9][^\n]*==[^\n]*)((?:\n[ \t]+[^\n]*)*)", lock_text, re.M)
    assert len(entries) == len(lock)
    for first, rest in entries:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", first + rest), first
    assert len(lock) > len(direct)


def test_the_tested_environment_is_the_locked_one():
    """scripts/venv.sh installs requirements-lock.txt (with its hashes) first: the tests run on what the image gets."""
    lock = _requirements(ROOT / "requirements-lock.txt")
    installed = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in metadata.distributions()}
    differ = {name: (version, installed.get(name)) for name, version in lock.items() if installed.get(name) != version}
    assert not differ, differ
    assert "--require-hashes -r requirements-lock.txt" in (ROOT / "scripts" / "venv.sh").read_text()


def _ignore_regex(pattern: str) -> re.Pattern:
    """One .dockerignore line as Docker reads it (Go's filepath.Match plus ``**``; a match also takes what is below)."""
    out, i, pattern = "", 0, pattern.strip().lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(f"^{out}(?:/.*)?$")


def _ignored(path: str) -> bool:
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert not any(p.startswith("!") for p in patterns)  # no exceptions: then the last match would decide
    return any(_ignore_regex(p).match(path) for p in patterns)


@pytest.mark.parametrize("path", [
    "deploy/.env", "deploy/prod.env", ".env", "config/x.env", "deploy/tls/key.pem", "deploy/tls/cert.pem",
    "server.key", ".streamlit/secrets.toml", "data/asskomm.db", "data/asskomm.db-wal", "data/asskomm.db-shm",
    "deploy/alt.sqlite", "deploy/vor-update.sqlite", "backups/2026-01-01.sqlite", "x/y/z.db.bak",
    ".git/config", ".venv/bin/python", "test-output/junit.xml", "asskomm/__pycache__/x.pyc",
])
def test_dockerignore_keeps_secrets_and_databases_out(path):
    assert _ignored(path)


def test_dockerignore_keeps_every_file_the_image_needs():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    assert not [path for path in tracked if _ignored(path)]
    for needed in ("app.py", "dashboard.py", "requirements-lock.txt", "data/bausteine.csv", "asskomm/ui/auth.py"):
        assert needed in tracked and not _ignored(needed)


def test_the_readmes_backup_steps_write_no_database_into_the_build_context():
    """A copy made inside deploy/ (or anywhere in the repository) would go into the image with COPY . ."""
    readme = (ROOT / "README.md").read_text()
    operation = readme[readme.index("## Betrieb"):]
    blocks = re.findall(r"```bash\n(.*?)```", operation, re.S)
    for block in blocks:
        for line in block.splitlines():
            for target in re.findall(r"(\S+\.sqlite)\b", line):
                # the container's /data volume, or a folder outside the repository
                assert target.startswith(("/", "app1:/")), f"database copy {target} in the repository: {line}"
    assert re.search(r"db backup /var/backups/", operation)


def test_the_readme_lists_every_security_event_and_field():
    from asskomm import securitylog

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Protokollierung"):]
    section = section[:section.index("\n## ", 3)]
    for event in securitylog.EVENTS:
        assert f"`{event}`" in section, event
    for field in ("ts", "event", "outcome", "user", "role", "client", "server", "detail"):
        assert f"| `{field}` |" in section, field
    assert "journald" in section and "logging:" in section and securitylog.TRUSTED_PROXY_ENV in section
    # the compose file sets the trusted proxy for the log's client address
    assert securitylog.TRUSTED_PROXY_ENV in (DEPLOY / "compose.yaml").read_text()
    assert f"\n{securitylog.TRUSTED_PROXY_ENV}=" in (DEPLOY / "env.example").read_text()
