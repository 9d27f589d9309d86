"""Import (URL ``/import``, editors only): upload CSV/XLSX → preview per row → confirm → one transaction."""

import hashlib

import pandas as pd
import streamlit as st

from asskomm.ui import auth as ui_auth
from asskomm.ui import data, editing, uploads
from asskomm.ui.messages import flash, md

K_PREVIEW = "imp_preview"
K_UPLOAD = "imp_upload"

user = ui_auth.restricted_page(
    "bearbeiter",
    "Der Import",
    title="Import",
    caption="CSV- oder Excel-Datei (.csv, .xlsx, höchstens "
    f"{uploads.limit_mb()} MB) im Importformat: eine Zeile je Meilenstein mit den Spalten "
    f"{', '.join(editing.IMPORT_COLUMNS)}. Erst die Vorschau, dann die Übernahme – alles oder nichts.",
)

upload = uploads.uploader(st.session_state.setdefault(K_UPLOAD, "imp_file_0"))
if upload is None:
    st.session_state.pop(K_PREVIEW, None)
    st.stop()

raw = upload.getvalue()
digest = hashlib.sha256(raw).hexdigest()
cached = st.session_state.get(K_PREVIEW)
if cached is None or cached[0] != digest or cached[1].data_version != data.store().data_version():
    with st.spinner("Datei wird geprüft …"):
        preview = editing.preview_upload(raw, upload.name)
    st.session_state[K_PREVIEW] = (digest, preview)
else:
    preview = cached[1]

st.subheader(f"Vorschau: {md(preview.source)}")


def _another_file() -> None:
    """Empty the uploader (a new widget key) so that the next file can be chosen."""
    st.session_state.pop(K_PREVIEW, None)
    n = int(st.session_state[K_UPLOAD].rsplit("_", 1)[1]) + 1
    st.session_state[K_UPLOAD] = f"imp_file_{n}"


def _refused(summary: str) -> None:
    """Say why nothing was imported, list every reason in full, offer the error report and another file."""
    st.error(summary, icon=":material/block:")
    st.markdown("**Gründe** (vollständig; auch als Fehlerbericht zum Herunterladen):")
    shown = preview.problems[:200]
    st.markdown("\n".join(f"- {md(p)}" for p in shown))
    if len(preview.problems) > len(shown):
        st.caption(f"… und {len(preview.problems) - len(shown)} weitere im Fehlerbericht.")
    c1, c2, _ = st.columns([1.3, 1.2, 2])
    c1.download_button("Fehlerbericht (CSV)", editing.error_report_csv(preview),
                       file_name=editing.error_report_name(preview.source), mime="text/csv",
                       icon=":material/download:", key="imp_report", on_click="ignore",
                       help="Zeile, Spalte, Wert und Grund je Problem; öffnet sich in Excel.")
    c2.button("Andere Datei wählen", icon=":material/upload_file:", key="imp_another", on_click=_another_file)
    st.stop()


if preview.file_errors:
    for message in preview.file_errors:
        st.error(md(message), icon=":material/block:")
    _refused("Die Datei kann so nicht importiert werden; es wurde nichts übernommen.")
counts = preview.counts
c = st.columns(4)
for col, (key, label) in zip(c, (("neu", "neu"), ("geändert", "geändert"), ("unverändert", "unverändert"),
                                 ("ungültig", "ungültig")), strict=True):
    col.metric(label, counts.get(key, 0))
frame = pd.DataFrame(
    [
        {"Zeile": r.zeile, "Ergebnis": r.status, "Teilnehmer": r.teilnehmer, "Baustein": r.baustein,
         "Datum": r.datum, "Hinweis / Grund": r.details}
        for r in preview.rows
    ]
)
status_filter = st.multiselect("Zeilen zeigen", options=["neu", "geändert", "unverändert", "ungültig"],
                               default=[k for k in ("ungültig", "geändert", "neu") if counts.get(k)],
                               key=f"imp_filter_{digest[:16]}")  # a new file starts with its own default
shown = frame[frame["Ergebnis"].isin(status_filter)] if status_filter else frame
st.dataframe(shown, hide_index=True, width="stretch", height=min(500, 38 + 35 * max(len(shown), 1)),
             column_config={"Hinweis / Grund": st.column_config.TextColumn(width="large")})
for w in preview.warnings[:20]:
    st.caption("Hinweis: " + md(w))

if preview.invalid:
    _refused(
        editing.rows_phrase(preview.invalid, "Zeile ist ungültig", "Zeilen sind ungültig")
        + ". Es wurde nichts übernommen; bitte die Datei korrigieren und erneut hochladen."
    )
if not preview.applicable:
    st.info("Die Datei enthält nichts Neues – alle Zeilen sind schon so gespeichert.")
    st.stop()

overwrite = False
if preview.changed:
    overwrite = st.checkbox(
        editing.rows_phrase(preview.changed, "bestehenden Meilenstein", "bestehende Meilensteine")
        + " mit den Werten aus der Datei überschreiben",
        key="imp_overwrite",
    )
if st.button("Import übernehmen", type="primary", disabled=bool(preview.changed and not overwrite),
             key="imp_apply"):
    try:
        with st.spinner("Import wird gespeichert …"):
            result = editing.apply_upload(preview, ui_auth.actor(user), overwrite=overwrite)
    except editing.ConflictError as exc:
        st.session_state.pop(K_PREVIEW, None)
        st.error(md(exc), icon=":material/warning:")
        st.stop()
    except editing.EditError as exc:
        st.error("\n".join(md(m) for m in exc.messages), icon=":material/block:")
        st.stop()
    flash(
        f"Import gespeichert: {result.count('neuer_meilenstein')} neue und "
        f"{result.count('geaenderter_meilenstein')} geänderte Meilensteine. "
        "Er kann unter »Änderungen« als Ganzes rückgängig gemacht werden."
    )
    _another_file()  # a fresh, empty uploader
    st.rerun()
