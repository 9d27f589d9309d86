"""The accessibility statement (Erklärung zur Barrierefreiheit) that BITV 2.0 and Saxony's Barrierefreie-
Websites-Gesetz ask every public body to publish, as German text for the page ``/barrierefreiheit``.

The contact for feedback is configured in ONE place: :data:`FEEDBACK_CONTACT` here, each field overridable by an
environment variable (``ASSKOMM_BARRIEREFREIHEIT_STELLE``, ``…_EMAIL``, ``…_TELEFON``, ``…_ANSCHRIFT``,
``…_DURCHSETZUNG``), so an operator fills it in without touching the code. Until then the page shows the
placeholders in square brackets, visibly.

Facts used (with their source):
* Saxony implements Directive (EU) 2016/2102 by the Barrierefreie-Websites-Gesetz (BfWebG, April 2019), which
  refers to the requirements of BITV 2.0 and asks for a statement and a feedback mechanism
  (bfsg-testen.de/gesetze/laender/sachsen/).
* The monitoring body (Überwachungsstelle) for Saxony is the dzb lesen, Leipzig (dzblesen.de/bfit-sachsen).
* Structure of the statement: Commission Implementing Decision (EU) 2018/1523 (model accessibility statement).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from asskomm import labels

#: Placeholders until the operator configures the real contact (environment variables, see module doc).
FEEDBACK_CONTACT = {
    "stelle": "[Name der verantwortlichen Stelle – bitte eintragen]",
    "anschrift": "[Anschrift – bitte eintragen]",
    "email": "[E-Mail-Adresse für Rückmeldungen – bitte eintragen]",
    "telefon": "[Telefonnummer – bitte eintragen]",
    "durchsetzung": "[Zuständige Durchsetzungs- bzw. Schlichtungsstelle nach sächsischem Recht – bitte eintragen]",
}
ENV_PREFIX = "ASSKOMM_BARRIEREFREIHEIT_"

#: When the statement was prepared, and how (update both after the next review).
PREPARED_ON = dt.date(2026, 12, 2)
METHOD = (
    "Selbstbewertung: automatische Prüfung aller Seiten (für Besucher und angemeldete Bearbeiter, auch im "
    "Kartenbereich) mit axe-core nach WCAG 2.1 A/AA, Bedienung nur mit der Tastatur, Kontrastmessung der "
    "Farbpalette und simulierte Farbfehlsichtigkeit (Protanopie, Deuteranopie) an Bildschirmfotos."
)

CONFORMANCE = "teilweise vereinbar"

#: Known limitations: (what, why, alternative offered).
LIMITATIONS = (
    (
        "Die Gemeinden in der interaktiven Karte lassen sich nicht einzeln mit der Tabulatortaste ansteuern, "
        "und die Kurzinfo (Tooltip) erscheint nur beim Zeigen mit der Maus.",
        "Die Kartenbibliothek Leaflet macht Flächen nicht fokussierbar (Leaflet, Anliegen Nr. 7822 »Accessible "
        "vectors«).",
        "Die Karte ist mit der Tastatur verschiebbar (Pfeiltasten) und zoombar (+ und −). Jede Gemeinde lässt "
        "sich über das Suchfeld »Gemeinde suchen« auswählen; die Auswahl erscheint neben der Karte. Vor der "
        "Karte steht eine Zusammenfassung für Screenreader und ein Link zur Tabelle »Gemeinden in dieser "
        "Ansicht« mit Status, Datum und Quelle jeder Gemeinde.",
    ),
    (
        "Tabellen werden von Streamlit als Datenraster auf einer Zeichenfläche dargestellt; Screenreader lesen "
        "sie nur eingeschränkt, das Spaltenmenü ist nicht mit der Tastatur erreichbar.",
        "Eigenschaft der Oberfläche Streamlit (Streamlit, Anliegen Nr. 13332).",
        "Jede Tabelle lässt sich als CSV- oder Excel-Datei herunterladen und in gewohnten Programmen lesen.",
    ),
    (
        "Die Karten der Landkreise und die Diagramme sind Bilder.",
        "Bilder lassen sich nicht in Text umwandeln.",
        "Jedes Bild hat einen Alternativtext; die Zahlen stehen in den Tabellen daneben.",
    ),
    (
        "Das Briefing als PDF ist nicht als getaggtes (strukturiertes) PDF ausgezeichnet.",
        "Die verwendete PDF-Bibliothek (fpdf2) erzeugt keine Strukturbäume.",
        "Das PDF hat Titel, Sprache (Deutsch) und durchsuchbaren, markierbaren Text; dieselben Zahlen zeigt "
        "die Karte mit ihrer Tabelle.",
    ),
    (
        "Einige Seiten überspringen eine Überschriftenebene.",
        "Aufbau der Seiten.",
        "Die Überschriften sind vorhanden und beschreibend; die Navigation über Überschriften funktioniert.",
    ),
)


def contact(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The feedback contact: the placeholders of :data:`FEEDBACK_CONTACT`, overridden by environment variables."""
    env = os.environ if env is None else env
    return {key: (env.get(ENV_PREFIX + key.upper()) or "").strip() or value for key, value in FEEDBACK_CONTACT.items()}


def is_configured(env: Mapping[str, str] | None = None) -> bool:
    """False while any contact field still shows its placeholder."""
    return not any(value.startswith("[") for value in contact(env).values())


def sections(env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """The statement as (heading, Markdown) pairs, in the order of the EU model statement."""
    c = contact(env)
    limitations = "\n".join(f"- **{what}** {why} *Alternative:* {alt}" for what, why, alt in LIMITATIONS)
    return [
        (
            "Geltungsbereich",
            f"{c['stelle']} ist bemüht, die ASSKomm-Karte im Einklang mit dem Barrierefreie-Websites-Gesetz "
            "des Freistaates Sachsen und den Anforderungen der Barrierefreie-Informationstechnik-Verordnung "
            "(BITV 2.0), also den Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA, barrierefrei "
            "zugänglich zu machen. Diese Erklärung gilt für alle Seiten der ASSKomm-Karte, auch für die Seiten "
            "angemeldeter Bearbeiterinnen und Bearbeiter, und für ihre Downloads.",
        ),
        (
            "Stand der Vereinbarkeit mit den Anforderungen",
            f"Die ASSKomm-Karte ist mit den Anforderungen **{CONFORMANCE}**. Die automatische Prüfung findet auf "
            "keiner Seite schwerwiegende oder kritische Verstöße; die unten genannten Inhalte sind noch nicht "
            "vollständig barrierefrei.\n\n"
            "Was bereits umgesetzt ist: Alternativtexte für Bilder; eine Textfassung der Karte (Zusammenfassung "
            "und Tabelle); alle Filter, der Zeitraffer, die Suche einer Gemeinde und alle Downloads sind mit der "
            "Tastatur bedienbar, der Fokus ist deutlich sichtbar; die Farben der Karte unterscheiden sich auch "
            "bei Rot-Grün-Sehschwäche und in Graustufen (Kontrast mindestens 3:1 zwischen den Stufen, Text "
            "mindestens 4,5:1); Bilder und PDF tragen Titel und Beschreibung.",
        ),
        ("Nicht barrierefreie Inhalte", limitations),
        (
            "Erstellung dieser Erklärung",
            f"Diese Erklärung wurde am {labels.fmt_date(PREPARED_ON)} erstellt. {METHOD}",
        ),
        (
            "Feedback und Kontakt",
            "Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten der ASSKomm-Karte aufgefallen, oder "
            "benötigen Sie Informationen in einer barrierefreien Form? Dann wenden Sie sich bitte an:\n\n"
            f"{c['stelle']}  \n{c['anschrift']}  \nE-Mail: {c['email']}  \nTelefon: {c['telefon']}",
        ),
        (
            "Durchsetzungsverfahren",
            "Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die "
            f"zuständige Stelle wenden: {c['durchsetzung']}\n\n"
            "Die Überwachungsstelle für Sachsen nach der Richtlinie (EU) 2016/2102 ist das dzb lesen (Deutsches "
            "Zentrum für barrierefreies Lesen) in Leipzig.",
        ),
    ]
