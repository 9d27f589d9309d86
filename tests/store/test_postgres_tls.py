"""Encrypted database connections (BSI APP.4.3.A16): a throw-away PostgreSQL cluster with ``ssl=on`` that accepts TCP
only over TLS, and the app's store connecting with ``sslmode=verify-full`` and the CA file, as deploy/env.example
documents for ``ASSKOMM_DB``."""

from __future__ import annotations

import harness
import pytest
import sqlalchemy as sa
from pg import PgCluster, PgUnavailable
from tls import OpensslMissing, make_certificates

from asskomm.store.database import Store

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pg-tls")
    try:
        certificates = make_certificates(directory / "server", names="DNS:localhost")
    except OpensslMissing as exc:
        harness.not_installed(str(exc))
    cluster = PgCluster(tls=certificates)
    if cluster.external:
        pytest.skip("ASSKOMM_TEST_PG names an external server: its TLS is not ours to set")
    try:
        cluster.start()
    except PgUnavailable as exc:
        harness.not_installed(str(exc))
    try:
        yield cluster, certificates, make_certificates(directory / "other")
    finally:
        cluster.stop()


def _url(cluster, host="localhost", database="postgres", **query) -> str:
    """A URL to the TLS cluster by ``host`` (the name the certificate must carry), connecting to 127.0.0.1."""
    params = "&".join(f"{k}={v}" for k, v in {"hostaddr": "127.0.0.1", **query}.items())
    return f"postgresql+psycopg://test@{host}:{cluster.port}/{database}?{params}"


def _tls_of_connection(url: str) -> tuple[bool, str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).one()
            return bool(row[0]), str(row[1])
    finally:
        engine.dispose()


def test_the_store_works_over_verified_tls(tls_cluster):
    cluster, certificates, _other = tls_cluster
    url = _url(cluster, sslmode="verify-full", sslrootcert=certificates.ca)
    assert _tls_of_connection(url)[0] is True
    assert _tls_of_connection(url)[1] in ("TLSv1.2", "TLSv1.3")
    engine = sa.create_engine(cluster.admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                              connect_args={"host": str(cluster.base)})  # the Unix socket needs no TLS
    with engine.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "tls_app"')
    engine.dispose()
    store = Store(_url(cluster, database="tls_app", sslmode="verify-full", sslrootcert=certificates.ca))
    try:
        store.ensure_seeded()
        assert len(store.load().participants) > 0
    finally:
        store.dispose()


def test_connections_without_tls_are_refused(tls_cluster):
    cluster, _certificates, _other = tls_cluster
    with pytest.raises(sa.exc.OperationalError, match="no encryption"):
        _tls_of_connection(_url(cluster, sslmode="disable", gssencmode="disable"))


def test_verify_full_refuses_a_server_of_another_ca_and_another_name(tls_cluster):
    cluster, certificates, other = tls_cluster
    with pytest.raises(sa.exc.OperationalError, match="certificate verify failed"):
        _tls_of_connection(_url(cluster, sslmode="verify-full", sslrootcert=other.ca))
    # the certificate is for »localhost«: the same server by another name is refused by verify-full
    # (verify-ca, which does not check the name, accepts it)
    with pytest.raises(sa.exc.OperationalError, match="does not match host name"):
        _tls_of_connection(_url(cluster, host="127.0.0.1", sslmode="verify-full", sslrootcert=certificates.ca))
    assert _tls_of_connection(_url(cluster, host="127.0.0.1", sslmode="verify-ca", sslrootcert=certificates.ca))[0]
