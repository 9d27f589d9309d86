"""Debian's nginx with deploy/nginx.conf in front of local servers (for tests and bench/bench_deploy.py).

``start_nginx(ports, directory)`` copies deploy/nginx.conf, changes only the lines marked ``# test:``
(upstream servers, listen address, pid, logs, temp paths), runs ``nginx -t`` and then nginx in the
foreground (``daemon off``) with ``directory`` as its prefix. The access log records, per request,
the sticky cookie, the upstream that answered, the status and the URI.
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

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
COOKIE = "asskomm_server"


class NginxMissing(RuntimeError):
    pass


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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


def config_for(ports: list[int], listen: int, prefix: Path) -> str:
    """deploy/nginx.conf with the ``# test:`` lines pointed at local ports and ``prefix``."""
    lines, upstreams = [], iter(ports)
    for line in CONFIG.read_text().splitlines():
        marker = re.search(r"#\s*test:\s*(\w+)", line)
        kind = marker.group(1) if marker else ""
        indent = line[: len(line) - len(line.lstrip())]
        if kind == "upstream":
            port = next(upstreams, None)
            if port is not None:
                lines.append(f"{indent}server 127.0.0.1:{port} max_fails=1 fail_timeout=15s;")
                lines += [f"{indent}server 127.0.0.1:{p} max_fails=1 fail_timeout=15s;" for p in upstreams]
        elif kind == "listen":
            lines.append(f"{indent}listen 127.0.0.1:{listen};")
        elif kind == "pid":
            lines.append(f"pid {prefix / 'nginx.pid'};")
        elif kind == "error_log":
            lines.append(f"error_log {prefix / 'error.log'} warn;")
        elif kind == "access_log":
            lines.append(f"{indent}log_format sticky '$cookie_{COOKIE}|$upstream_addr|$status|$request_uri';")
            lines.append(f"{indent}access_log {prefix / 'access.log'} sticky;")
        elif kind == "temp":
            directive = line.split()[0]
            lines.append(f"{indent}{directive} {prefix / directive};")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def start_nginx(ports: list[int], prefix: Path, port: int | None = None) -> Nginx:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        raise NginxMissing("nginx (Debian package nginx) is not installed")
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)
    for name in ("client_body_temp_path", "proxy_temp_path"):
        (prefix / name).mkdir(exist_ok=True)
        (prefix / name).chmod(0o777)  # nginx's workers run as an unprivileged user when started as root
    conf = prefix / "nginx.conf"
    conf.write_text(config_for(ports, port, prefix))
    check = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "w"))  # noqa: SIM115
    proxy = Nginx(process, port, prefix)
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
