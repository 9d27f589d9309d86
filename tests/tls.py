"""Throw-away TLS certificates for tests (nginx with TLS, PostgreSQL with ``ssl=on``), made with the openssl CLI.

``make_certificates(directory)`` writes a small CA (``ca.pem``) and a server certificate for ``localhost`` and
``127.0.0.1`` signed by it (``cert.pem``, ``key.pem``; EC P-256, valid for two days). Clients trust the CA:
``ssl_context(ca)`` for Python, ``sslrootcert`` for libpq; Chromium ignores certificate errors explicitly
(``ignore_https_errors``) because it cannot be handed a CA file per context.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path


class OpensslMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr}")


def make_certificates(directory: Path, common_name: str = "localhost",
                      names: str = "DNS:localhost,IP:127.0.0.1") -> Certificates:
    """CA and server certificate in ``directory``; ``names``: the server certificate's subjectAltName."""
    if not shutil.which("openssl"):
        raise OpensslMissing("openssl (Debian package openssl) is not installed")
    directory.mkdir(parents=True, exist_ok=True)
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=ASSKomm Test-CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    _openssl("req", *curve, "-keyout", "key.pem", "-out", "server.csr", "-subj", f"/CN={common_name}",
             cwd=directory)
    (directory / "server.ext").write_text(
        f"subjectAltName={names}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "cert.pem", "-days", "2", "-sha256", "-extfile", "server.ext", cwd=directory)
    (directory / "key.pem").chmod(0o600)
    return Certificates(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")


def ssl_context(ca: Path, *, maximum: ssl.TLSVersion | None = None, minimum: ssl.TLSVersion | None = None,
                ciphers: str | None = None) -> ssl.SSLContext:
    """A client context that trusts only ``ca`` (and checks the host name)."""
    context = ssl.create_default_context(cafile=str(ca))
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    if ciphers:
        context.set_ciphers(ciphers)
    return context
