"""The import's uploader: its size limit, as Streamlit and the import format enforce it, and its German help.

Streamlit refuses uploads above ``server.maxUploadSize`` (MB, set in ``.streamlit/config.toml`` or by the
deployment) on the server; the import refuses files above ``records.MAX_IMPORT_BYTES``. The lower of the two
is the limit the user meets, so the help states that one, read at run time.
"""

from __future__ import annotations

import streamlit as st

from asskomm import labels
from asskomm import records as rec
from asskomm.store.import_preview import UPLOAD_TYPES


def limit_mb() -> int:
    """The largest file the import accepts, in MB (whole MB, as Streamlit counts them)."""
    server = int(st.get_option("server.maxUploadSize"))
    return max(1, min(server, rec.MAX_IMPORT_BYTES // (1024 * 1024)))


def help_text() -> str:
    return (
        f"Eine CSV-Datei (Semikolon, UTF-8 oder Windows-1252) oder Excel-Datei (.xlsx), höchstens {limit_mb()} MB "
        f"und {labels.fmt_int(rec.MAX_IMPORT_ROWS)} Zeilen. Ob es eine Tabelle ist, entscheidet der Inhalt, nicht "
        "die Endung; andere Dateien (PDF, ZIP, Webseiten …) werden abgelehnt."
    )


def uploader(key: str):
    """The file uploader of the import page, with the limit and the help above."""
    return st.file_uploader("Datei wählen", type=list(UPLOAD_TYPES), max_upload_size=limit_mb(), help=help_text(),
                            key=key)
