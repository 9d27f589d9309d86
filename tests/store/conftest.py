"""Fixtures of the store tests."""

import pytest
from records_support import BASE_ROWS, make_store


@pytest.fixture
def store(tmp_path, db_url):
    """A store with the small base records, on SQLite and on PostgreSQL (``db_url``)."""
    s = make_store(tmp_path, BASE_ROWS, db_url)
    yield s
    s.dispose()
