"""Tables of the records database (SQLAlchemy Core) and the engine settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from asskomm.paths import DATA_DIR

metadata = sa.MetaData()


def _participant_row() -> list[sa.Column]:
    """Own id and the participant it belongs to (deleted with it): milestones and contacts."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "participant_id", sa.Integer, sa.ForeignKey("participants.id", ondelete="CASCADE"), nullable=False
        ),
    ]


def _value_set(name: str, owner: str, target: str, value: sa.Column) -> sa.Table:
    """A table of values per owning row (key: owner and value; deleted with the owner)."""
    owner_key = sa.Column(owner, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), primary_key=True)
    return sa.Table(name, metadata, owner_key, value)


def _tracking_columns() -> list[sa.Column]:
    """Version (optimistic locking) and who created/changed a row when: on every editable table."""
    return [
        sa.Column("version", sa.Integer, nullable=False, default=1),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    ]


participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # gemeinde | gruppe | landkreis
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("ags", sa.String(8)),
    *_tracking_columns(),
)


members = _value_set("members", "participant_id", "participants.id", sa.Column("ags", sa.String(8), primary_key=True))


milestones = sa.Table(
    "milestones",
    metadata,
    *_participant_row(),
    sa.Column("baustein", sa.String(40), nullable=False),
    sa.Column("datum", sa.String(10), nullable=False, default=""),  # ISO with precision, "" = undated
    sa.Column("betrag_eur", sa.Numeric(14, 2, asdecimal=False)),
    sa.Column("quelle", sa.Text, nullable=False),
    sa.Column("bemerkung", sa.Text, nullable=False, default=""),
    # reason for doubt ("" = confirmed by the source); unconfirmed milestones count only when a view asks
    sa.Column("unbestaetigt", sa.Text, nullable=False, default="", server_default=""),
    *_tracking_columns(),
    sa.UniqueConstraint("participant_id", "baustein", "datum", name="uq_milestone"),
)


focus = _value_set(
    "focus", "milestone_id", "milestones.id", sa.Column("problemfeld", sa.String(60), primary_key=True)
)


contacts = sa.Table(
    "contacts",
    metadata,
    *_participant_row(),
    sa.Column("gremium", sa.String(300), nullable=False),
    sa.Column("adresse", sa.Text, nullable=False, default=""),
    sa.Column("telefon", sa.String(100), nullable=False, default=""),
    sa.Column("email", sa.String(300), nullable=False, default=""),
    *_tracking_columns(),
)


audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch", sa.String(36), nullable=False, index=True),  # one change set (e.g. one import)
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),  # insert | update | delete | import | seed
    sa.Column(
        "entity", sa.String(30), nullable=False
    ),  # participants | members | milestones | contacts | import
    sa.Column("entity_id", sa.Integer),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
)


# Which audit entry was reverted by which (a change is reverted at most once; the revert is itself logged).
audit_reverts = sa.Table(
    "audit_reverts",
    metadata,
    sa.Column("audit_id", sa.Integer, sa.ForeignKey("audit_log.id"), primary_key=True),
    sa.Column("revert_audit_id", sa.Integer, nullable=False),
)


# Problemfelder added or edited by admins in the app (over data/problemfelder.csv; see asskomm.records.vocabulary).
problemfeld_entries = sa.Table(
    "problemfeld_entries",
    metadata,
    sa.Column("id", sa.String(60), primary_key=True),
    sa.Column("label", sa.String(120), nullable=False),
    sa.Column("colour", sa.String(7), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("position", sa.Integer, nullable=False),  # order of new ids (after the file's)
    *_tracking_columns(),
)


# Current figures the ministry enters in the app (»amtliche Zahlen«): they stand beside their KPI card,
# before any press figure (``asskomm.analysis.figures``). Entered and removed by admins only, audited.
official_figures = sa.Table(
    "official_figures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kennzahl", sa.String(40), nullable=False),  # a KPI field: vereinbarungen, beraten, …
    sa.Column("wert", sa.Integer, nullable=False),
    sa.Column("stand", sa.String(10), nullable=False),  # ISO date the figure refers to
    sa.Column("referenz", sa.String(200), nullable=False),  # internal reference, e.g. »LPR-Statistik 11/2026«
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


DEFAULT_DB = DATA_DIR / "asskomm.db"


SEED_FILE = DATA_DIR / "seed_records.csv"


SEED_ACTOR = "seed"


def url_from_setting(setting: str | None) -> str:
    """``ASSKOMM_DB``: a SQLAlchemy URL (contains ``://``) or a file path for SQLite."""
    if not setting:
        setting = str(DEFAULT_DB)
    if "://" in setting:
        return setting
    return "sqlite:///" + str(Path(setting).expanduser().resolve())


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
