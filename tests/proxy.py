"""Debian's nginx with deploy/nginx.conf in front of local servers (for tests and bench/bench_deploy.py).

``start_nginx(ports, directory)`` makes a throw-away CA and server certificate (tests/tls.py), copies
deploy/nginx.conf, changes only the lines marked ``# test:`` (upstream servers, the HTTPS and HTTP listen
addresses and the redirect's port, certificate and key, the monitoring address, pid, logs, temp paths), runs
``nginx -t`` and then nginx in the foreground (``daemon off``) with ``directory`` as its prefix. HTTPS is on
``Nginx.port`` (``Nginx.url``), the redirecting plain HTTP on ``Nginx.http_port``. The monitoring address
becomes 192.0.2.1 (a documentation address), so the tests' own 127.0.0.1 is an outsider there. The access log
records, per request, the sticky cookie, the upstream that answered, the status and the URI.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from harness import free_port
from tls import Certificates, make_certificates, ssl_context

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
COOKIE = "asskomm_server"
#: The monitoring address of the tests' nginx: not 127.0.0.1, so the tests see what outsiders see.
MONITOR = "192.0.2.1"


class NginxMissing(RuntimeError):
    pass


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    prefix: Path
    http_port: int
    certificates: Certificates

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def ssl_context(self, **kwargs):
        """A Python TLS context that trusts this proxy's test CA (and checks the name 127.0.0.1)."""
        return ssl_context(self.certificates.ca, **kwargs)

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def log_entries(self) -> list[tuple[str, str, str, str]]:
        """(cookie, upstream that answered, status, uri) per request so far (cookie ``-``: none sent).

        When nginx had to try several servers, ``$upstream_addr`` lists them all; the last one answered.
        """
        if not self.access_log.exists():
            return []
        entries = []
        for line in self.access_log.read_text().splitlines():
            parts = line.split("|")
            if len(parts) == 4:
                cookie, upstream, status, uri = parts
                entries.append((cookie or "-", upstream.split(",")[-1].strip(), status, uri))
        return entries

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _test_line(kind: str, indent: str, line: str, prefix: Path, ports: dict) -> list[str] | None:
    """The replacement of a ``# test: kind`` line, or None to keep it."""
    directive = line.split()[0] if line.split() else ""
    replacements = {
        "listen": [f"{indent}listen 127.0.0.1:{ports['https']} ssl;"],
        "listen_http": [f"{indent}listen 127.0.0.1:{ports['http']};"],
        "https_port": [f'{indent}set $asskomm_https_port ":{ports["https"]}";'],
        "cert": [f"{indent}ssl_certificate {prefix / 'tls' / 'cert.pem'};"],
        "key": [f"{indent}ssl_certificate_key {prefix / 'tls' / 'key.pem'};"],
        "monitor": [f"{indent}allow {MONITOR};"],
        "pid": [f"pid {prefix / 'nginx.pid'};"],
        "error_log": [f"error_log {prefix / 'error.log'} warn;"],
        "access_log": [f"{indent}log_format sticky '$cookie_{COOKIE}|$upstream_addr|$status|$request_uri';",
                       f"{indent}access_log {prefix / 'access.log'} sticky;"],
        "temp": [f"{indent}{directive} {prefix / directive};"],
    }
    return replacements.get(kind)


def config_for(ports: list[int], listen: int, prefix: Path, http_port: int | None = None) -> str:
    """deploy/nginx.conf with the ``# test:`` lines pointed at local ports, ``prefix`` and its ``tls/`` files."""
    lines, upstreams = [], iter(ports)
    listen_ports = {"https": listen, "http": http_port or listen + 1}
    for line in CONFIG.read_text().splitlines():
        marker = re.search(r"#\s*test:\s*(\w+)", line)
        kind = marker.group(1) if marker else ""
        indent = line[: len(line) - len(line.lstrip())]
        if kind == "upstream":
            port = next(upstreams, None)
            if port is not None:
                lines.append(f"{indent}server 127.0.0.1:{port} max_fails=1 fail_timeout=15s;")
                lines += [f"{indent}server 127.0.0.1:{p} max_fails=1 fail_timeout=15s;" for p in upstreams]
            continue
        replacement = _test_line(kind, indent, line, prefix, listen_ports) if kind else None
        lines += replacement if replacement is not None else [line]
    return "\n".join(lines) + "\n"


def start_nginx(ports: list[int], prefix: Path, port: int | None = None) -> Nginx:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        raise NginxMissing("nginx (Debian package nginx) is not installed")
    port = port or free_port()
    http_port = free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)
    certificates = make_certificates(prefix / "tls", "127.0.0.1")
    for name in ("client_body_temp_path", "proxy_temp_path"):
        (prefix / name).mkdir(exist_ok=True)
        (prefix / name).chmod(0o777)  # nginx's workers run as an unprivileged user when started as root
    conf = prefix / "nginx.conf"
    conf.write_text(config_for(ports, port, prefix, http_port))
    check = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "w"))  # noqa: SIM115
    proxy = Nginx(process, port, prefix, http_port, certificates)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(prefix / 'stderr.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proxy
        except OSError:
            time.sleep(0.1)
    proxy.stop()
    raise RuntimeError("nginx did not start listening")
