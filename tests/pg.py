"""A throw-away PostgreSQL cluster for tests (Debian's ``postgresql`` package; no system service needed).

``PgCluster.start()`` runs ``initdb`` and ``pg_ctl start`` in a new temporary directory, listening on a Unix
socket in that directory and on a free TCP port of 127.0.0.1 (for the app servers and nginx tests); as root
it runs them as the ``postgres`` system user via ``runuser`` (PostgreSQL refuses to run as root).
``ASSKOMM_TEST_PG`` (a SQLAlchemy URL of a server the tests may create databases on) replaces the cluster.
``PgCluster(tls=certificates)`` (tests/tls.py) runs it with ``ssl=on`` and accepts TCP connections only over TLS
(``hostssl`` in pg_hba.conf).
"""

from __future__ import annotations

import glob
import itertools
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import sqlalchemy as sa
from harness import free_port

_counter = itertools.count(1)


class PgUnavailable(RuntimeError):
    pass


def pg_tool(name: str) -> str | None:
    """initdb/pg_ctl: on PATH, or in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return candidates[-1] if candidates else None


class PgCluster:
    def __init__(self, password: str | None = None, tls=None) -> None:
        """``password``: TCP connections must give it (user ``test``); otherwise every connection is trusted.
        ``tls``: a ``tls.Certificates``; the server then speaks TLS with its cert and key, and only TLS on TCP."""
        self.password = password
        self.tls = tls
        self.base: pathlib.Path | None = None
        self.port = 0
        self.external = os.environ.get("ASSKOMM_TEST_PG")
        self._as_user: list[str] = []

    # -- lifecycle
    def start(self) -> PgCluster:
        if self.external:
            return self
        initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
        if os.geteuid() == 0 and shutil.which("runuser"):
            self._as_user = ["runuser", "-u", "postgres", "--"]
        if not initdb or not pg_ctl or (os.geteuid() == 0 and not self._as_user):
            raise PgUnavailable("PostgreSQL (Debian package postgresql) is not installed")
        self._pg_ctl = pg_ctl
        # Not under pytest's tmp dir: that one is private to root, and the server runs as ``postgres``.
        self.base = pathlib.Path(tempfile.mkdtemp(prefix="asskomm-pg-"))
        if self._as_user:
            shutil.chown(self.base, "postgres")
            self.base.chmod(0o700)
        auth = ["--auth=trust"]
        if self.password:
            pwfile = self.base / "pw"
            pwfile.write_text(self.password)
            if self._as_user:
                shutil.chown(pwfile, "postgres")
            auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        subprocess.run([*self._as_user, initdb, "-D", str(self.data), "-U", "test", *auth,
                        "--encoding=UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        if self.tls is not None:
            self._only_tls()
        self.port = free_port()
        self.resume()
        return self

    def _only_tls(self) -> None:
        """Server certificate and key into the cluster (the key readable by the server's user only), and TCP
        connections only over TLS."""
        for name, source in (("server.crt", self.tls.cert), ("server.key", self.tls.key)):
            target = self.data / name
            shutil.copyfile(source, target)
            target.chmod(0o600)
            if self._as_user:
                shutil.chown(target, "postgres")
        hba = self.data / "pg_hba.conf"
        hba.write_text(re.sub(r"^host(\s)", r"hostssl\1", hba.read_text(), flags=re.M))

    @property
    def data(self) -> pathlib.Path:
        assert self.base is not None
        return self.base / "data"

    def resume(self) -> None:
        """Start (again) the server of an existing cluster."""
        subprocess.run(
            [*self._as_user, self._pg_ctl, "-D", str(self.data), "-w", "-l", str(self.base / "log"),
             "-o", f"-k {self.base} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off{self._ssl_options()}",
             "start"],
            check=True, capture_output=True)

    def _ssl_options(self) -> str:
        return " -c ssl=on -c ssl_min_protocol_version=TLSv1.2" if self.tls is not None else ""

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: like a crash; connections are cut)."""
        if self.base is not None:
            subprocess.run([*self._as_user, self._pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"],
                           capture_output=True)

    def stop(self) -> None:
        if self.base is not None:
            self.halt("fast")
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    # -- databases
    def admin_url(self) -> str:
        if self.external:
            return self.external
        user = f"test:{self.password}" if self.password else "test"
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/postgres"

    def create_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new database (empty, or a copy of the database ``template``); returns its SQLAlchemy URL (TCP, so
        other processes can use it too)."""
        name = f"{prefix}_{os.getpid()}_{next(_counter)}"
        engine = sa.create_engine(self.admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                copy = f' TEMPLATE "{template}"' if template else ""
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        finally:
            engine.dispose()
        return sa.make_url(self.admin_url()).set(database=name).render_as_string(hide_password=False)
