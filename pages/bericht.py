"""Bericht (URL ``/bericht``): numbered tables at a Stichtag for answers to the Landtag, with DOCX/XLSX."""

import streamlit as st

from asskomm.ui import bericht as ui_bericht
from asskomm.ui import boundaries, data, layout

layout.ensure_navigation()
layout.apply_style()

kreis_labels = boundaries.kreis_labels()
url_notices = ui_bericht.init(kreis_labels)
layout.page_title("Bericht", ui_bericht.current_stichtag(),
                  subtitle="Für Anfragen des Landtags: Zahlen je Kreis und Polizeidirektion zu einem Stichtag, "
                  "mit Zählregeln und Quellen · Allianz Sichere Sächsische Kommunen")
choice = ui_bericht.auswahl(kreis_labels, url_notices)
layout.notices(choice.notices)

report = ui_bericht.checked_report(choice)

st.caption(report.untertitel)
ui_bericht.downloads(choice)

for table in report.tabellen:
    ui_bericht.table_block(table)

layout.sources_footer(
    data_stand=f"Datenbank-Version {data.store().data_version()}, Stichtag {report.stichtag:%d.%m.%Y}",
    attribution=boundaries.bkg_attribution(),
    extra=["**Polizeidirektionen:** § 1 Abs. 2 SächsPolOrgVO; Quellen je Direktion unter Tabelle 2."],
)
