"""Quellen (URL ``/quellen``): what the data is, its Stand, the boundaries, published totals beside the database,
and how to update both."""

import streamlit as st

from asskomm import labels
from asskomm.analysis import sources
from asskomm.ui import boundaries, coverage, data, kreise, layout, sidebar, widgets

layout.ensure_navigation()
layout.apply_style(False)

today = sidebar.today()
CLI_NOTE = (
    "Im Projektordner, nachdem `bash scripts/start.sh` einmal gelaufen ist. Aus einem anderen Ordner: den "
    "vollen Pfad nehmen (`/pfad/zum/projekt/.venv/bin/asskomm …`) oder vorher `source .venv/bin/activate`, "
    "dann nur `asskomm …`."
)
facts = kreise.data_facts()
comp = kreise.comparison()

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
c1, c2, c3, c4 = st.columns(4)
c1.metric("Teilnehmer", labels.fmt_int(facts.participants))
c2.metric("Meilensteine", labels.fmt_int(facts.milestones))
c3.metric("Verschiedene Quellen", labels.fmt_int(facts.sources))
c4.metric("Neuester datierter Eintrag", labels.fmt_date(facts.last))
st.caption(
    f"Teilnehmer: {labels.fmt_int(facts.gemeinde_participants)} Gemeinden, {labels.fmt_int(facts.groups)} Verbünde, "
    f"{labels.fmt_int(facts.landkreis_participants)} Landkreise; {labels.fmt_int(facts.undated)} Meilensteine ohne "
    f"Datum. Datenbank-Version {labels.fmt_int(facts.data_version)}"
    + (f", zuletzt geändert am {labels.fmt_date(facts.last_entered[:10])}." if facts.last_entered else ".")
)
st.info(
    "Die Datenbank ist **unvollständig**: sie enthält nur, was öffentlich belegt ist. Die von SMI und LPR "
    "veröffentlichten Gesamtzahlen liegen höher – siehe den Vergleich unten.",
    icon=":material/info:",
)

st.header("Veröffentlichte Gesamtzahlen und Datenbank")
st.image(
    kreise.comparison_chart_png(),
    width="stretch",
    caption="Linie: Zahl in der ASSKomm-Datenbank am Monatsende; Kreise: veröffentlichte Gesamtzahl an ihrem Datum.",
    alt=(
        "Diagramm: Zahl der Kooperationsvereinbarungen und beratenen Kommunen in der ASSKomm-Datenbank seit 2019 "
        "(Linien) und die veröffentlichten Gesamtzahlen (Kreise); die Zahlen stehen in der Tabelle darunter."
    ),
)
st.markdown(
    "**Zuletzt veröffentlicht, je Kennzahl** – dieselbe Zahl wie auf den Kennzahl-Karten, in der Kurzinformation "
    "und in der Offline-Karte, mit der Regel, welche Angaben dasselbe zählen:"
)
st.markdown("\n".join(f"- {line}" for line in sources.latest_published_lines(today, data.official_figures())))
st.dataframe(
    sources.comparison_display(comp),
    hide_index=True,
    width="stretch",
    height=35 * (len(comp) + 1) + 4,  # every published figure visible without scrolling
    column_config={
        "Datum": st.column_config.TextColumn(width="small"),
        "Kennzahl": st.column_config.TextColumn(width="medium"),
        "veröffentlicht als": st.column_config.TextColumn(width="medium"),
        "veröffentlicht": st.column_config.NumberColumn(width="small"),
        "Quelle": widgets.source_link_column(width="medium"),
        "Differenz": st.column_config.NumberColumn(
            width="small", help="Datenbank minus veröffentlichte Zahl"
        ),
        "in der Datenbank": st.column_config.NumberColumn(
            help="Dieselbe Kennzahl aus der Datenbank an dem Tag, ab dem die veröffentlichte Zahl gilt"
        ),
    },
)
with st.expander("Alle veröffentlichten Angaben"):
    st.dataframe(
        sources.published_table(official=data.official_figures()),
        hide_index=True,
        width="stretch",
        row_height=56,
        column_config={
            "Datum": st.column_config.TextColumn(width="small"),
            "Angabe": st.column_config.TextColumn(width="medium"),
            "Wert": st.column_config.TextColumn(width="small"),
            "Gebiet": st.column_config.TextColumn(width="small"),
            "Art der Quelle": st.column_config.TextColumn(width="small"),
            "Hinweis": st.column_config.TextColumn(width="large"),
            "Quelle": widgets.source_link_column(width="small"),
        },
    )
    st.caption(
        "Aus `data/reported_figures.csv`; Datum in der Genauigkeit der Quelle. »Gebiet«: eine Zahl für einen "
        "Landkreis oder eine Region erscheint auf der Karte, wenn genau dieses Gebiet gefiltert ist. "
        "»Art der Quelle«: »SMI/LPR« (Seiten, Pressemitteilungen und Landtagsdrucksachen des Ministeriums und des "
        "LPR), »Presse (Angabe des SMI/LPR)« (eine Zeitung berichtet die Zahl des Ministeriums), »SMI/LPR "
        "(amtliche Zahl)« (vom Ministerium in der App eingetragen, mit interner Quelle) und »andere Angabe« "
        "(z. B. ein Bürgermeister): diese steht nie neben einer Kennzahl."
    )

st.header("Gemeinde- und Kreisgrenzen")
geo_facts = sources.boundary_facts(boundaries.geo_meta())
st.markdown("\n".join(f"- **{label}:** {text}" for label, text in geo_facts.items()))
changes = boundaries.geo_meta().get("changes_applied") or []
if changes:
    with st.expander(f"Berücksichtigte Gebietsänderungen seit der Quelle ({len(changes)})"):
        st.markdown("\n".join(f"- {c}" for c in changes))

st.header("Einwohner")
population = coverage.population()
st.markdown(
    f"- **Quelle:** {population.quelle}\n"
    f"- **Stichtag:** {labels.fmt_date(population.stichtag) if population.stichtag else '–'}\n"
    f"- **Lizenz:** {population.lizenz}\n"
    f"- **Gemeinden:** {labels.fmt_int(len(population.einwohner))}, zusammen {labels.fmt_int(population.total)} Einwohner"
)

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
