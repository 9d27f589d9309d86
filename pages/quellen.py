"""Quellen (URL ``/quellen``): what the data is, its Stand, the boundaries, published totals beside the database,
and how to update both."""

import streamlit as st

from asskomm import labels
from asskomm.ui import boundaries, layout, quellen, sidebar

layout.ensure_navigation()
layout.apply_style(False)

today = sidebar.today()
CLI_NOTE = (
    "Im Projektordner, nachdem `bash scripts/start.sh` einmal gelaufen ist. Aus einem anderen Ordner: den "
    "vollen Pfad nehmen (`/pfad/zum/projekt/.venv/bin/asskomm …`) oder vorher `source .venv/bin/activate`, "
    "dann nur `asskomm …`."
)
facts = quellen.data_facts()
comp = quellen.comparison()

layout.page_title("Quellen und Datenstand", today, subtitle="Woher die Zahlen der ASSKomm-Karte kommen")

st.header("Was die Karte zeigt")
st.markdown(
    "Die Karte zeigt, welche sächsischen Gemeinden im Rahmen der **Allianz Sichere Sächsische Kommunen "
    "(ASSKomm)** vom Landespräventionsrat Sachsen beraten wurden, welche eine **Kooperationsvereinbarung** "
    "(Kommune, Polizeidirektion und Landespräventionsrat) geschlossen haben und welche weiteren Bausteine "
    "(Präventionsrat, Sicherheitsanalyse, Coaching, Förderung) sie erreicht haben – zu jedem Stichtag seit dem "
    "Start am 06.02.2019.\n\n"
    "Grundlage ist eine Datenbank von Meilensteinen: je Gemeinde (oder Verbund, oder Landkreis) der Baustein, "
    "das Datum in der Genauigkeit der Quelle (Tag, Monat oder Jahr) und die Quelle – Pressemitteilungen des "
    "Sächsischen Staatsministeriums des Innern (SMI) und des Landespräventionsrats (LPR), Meldungen auf "
    "asskomm.sachsen.de und Veröffentlichungen der Kommunen. Der Status einer Gemeinde wird daraus berechnet, "
    "nicht gespeichert."
)
with st.expander("Zählregeln"):
    st.markdown(
        "- Ein Meilenstein zählt ab dem **letzten Tag** seines Zeitraums (»2021« ab 31.12.2021, »06/2021« ab "
        "30.06.2021); ohne Datum zählt er nur für den heutigen Stand.\n"
        "- Status: *nicht beteiligt* < *beraten* (jeder Baustein) < *Kooperationsvereinbarung*.\n"
        "- Ein Verbund (Städtebund, Verwaltungsgemeinschaft) färbt alle Mitglieder, zählt aber als **eine** "
        "Vereinbarung. Landkreise als Teilnehmer färben keine Gemeinde.\n"
        "- Frühere Gemeindeschlüssel (Eingemeindungen, Zusammenschlüsse) werden der heutigen Gemeinde zugeordnet."
    )

st.header("Datenstand")
quellen.data_stand(facts)
st.info(
    "Die Datenbank ist **unvollständig**: sie enthält nur, was öffentlich belegt ist. Die von SMI und LPR "
    "veröffentlichten Gesamtzahlen liegen höher – siehe den Vergleich unten.",
    icon=":material/info:",
)

st.header("Veröffentlichte Gesamtzahlen und Datenbank")
quellen.comparison_chart_image()
st.markdown(
    "**Zuletzt veröffentlicht, je Kennzahl** – dieselbe Zahl wie auf den Kennzahl-Karten, in der Kurzinformation "
    "und in der Offline-Karte, mit der Regel, welche Angaben dasselbe zählen:"
)
quellen.latest_published(today)
quellen.comparison_table(comp)
with st.expander("Alle veröffentlichten Angaben"):
    quellen.published_table()

st.header("Gemeinde- und Kreisgrenzen")
quellen.boundary_facts()

st.header("Einwohner")
quellen.population_facts()

st.header("Daten aktualisieren")
st.subheader("Meilensteine")
st.markdown(
    "Neue Meilensteine kommen als CSV- oder Excel-Datei (eine Zeile je Meilenstein: `ags` oder `gemeinde`, "
    "`baustein`, `datum`, `problemfelder`, `quelle`, `bemerkung`, `gruppe`). Jede Zeile braucht eine Quelle. "
    "Ein Import ist eine Transaktion: alles oder nichts, mit Eintrag im Änderungsprotokoll. Ungültige Dateien "
    "werden mit deutscher Meldung (Datei, Zeile, Spalte) abgelehnt und ändern nichts."
)
st.code(
    ".venv/bin/asskomm import datei.csv --dry-run   # nur prüfen: was würde sich ändern?\n"
    ".venv/bin/asskomm import datei.xlsx            # übernehmen (--ueberschreiben: Änderungen)\n"
    ".venv/bin/asskomm export export.csv            # alle Datensätze für Excel",
    language="bash",
)
st.caption(CLI_NOTE)
st.markdown(
    "**In der App:** nach der Anmeldung als Bearbeiterin oder Bearbeiter die Seite »Import« – Datei hochladen, "
    "Vorschau je Zeile (neu, geändert, unverändert, ungültig) prüfen, bestätigen. Einzelne Meilensteine lassen "
    "sich auf der Seite der Gemeinde ändern; jede Änderung steht auf der Seite »Änderungen«.\n\n"
    "Neue veröffentlichte Gesamtzahlen werden in `data/reported_figures.csv` "
    "(Datum, Kennzahl, Wert, Quelle) ergänzt."
)
st.subheader("Einwohner")
st.markdown(
    "Neuere amtliche Zahlen (Destatis GV-ISys »Auszug« als XLSX oder CSV mit `AGS;Einwohner`) ersetzen "
    "`data/einwohner.csv` – alles oder nichts, mit Prüfung von Schlüsseln, Vollständigkeit und Summen."
)
st.code(
    ".venv/bin/asskomm einwohner import AuszugGV4QAktuell.xlsx --dry-run\n"
    ".venv/bin/asskomm einwohner import einwohner.csv --stichtag 2024-12-31",
    language="bash",
)
st.subheader("Grenzen")
st.markdown(
    "Neue amtliche Grenzen (BKG, Produkt VG250 »Ebenen«, Shape oder GeoPackage, https://gdz.bkg.bund.de) "
    "werden mit einem Befehl übernommen; der Gebietsstand wird aus der Lieferung gelesen, spätere "
    "Gebietsänderungen aus `geo/ags_nachfolge.csv` werden angewandt."
)
st.code(
    ".venv/bin/asskomm geo build --source ~/Downloads/vg250_01-01.utm32s.shape.ebenen.zip\n"
    ".venv/bin/asskomm geo build --source vg250.gpkg --out /tmp/probe   # erst zur Probe",
    language="bash",
)

layout.sources_footer(
    data_stand=f"ASSKomm-Datenbank (Version {labels.fmt_int(facts.data_version)}), abgefragt am {labels.fmt_date(today)}",
    attribution=boundaries.bkg_attribution(),
)
