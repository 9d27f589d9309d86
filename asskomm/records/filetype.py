"""What an import file really is, judged by its content, never by its name (BSI APP.3.1.A4, CON.10.A5).

``sniff(data)`` says »xlsx« (a zip holding an Excel workbook), »text« (to be read as CSV) or why the file is
refused, in German. The name's suffix only adds a notice when it says something else than the content.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile

XLSX = "xlsx"
TEXT = "text"

# Leading bytes of formats that people upload by mistake, with what to call them.
_SIGNATURES = (
    (b"%PDF-", "ein PDF-Dokument"),
    (b"\x89PNG\r\n\x1a\n", "ein Bild (PNG)"),
    (b"\xff\xd8\xff", "ein Bild (JPEG)"),
    (b"GIF87a", "ein Bild (GIF)"),
    (b"GIF89a", "ein Bild (GIF)"),
    (b"\x1f\x8b", "ein gzip-Archiv"),
    (b"7z\xbc\xaf\x27\x1c", "ein 7-Zip-Archiv"),
    (b"Rar!", "ein RAR-Archiv"),
    (b"\x7fELF", "ein Programm (ELF)"),
    (b"{\\rtf", "ein RTF-Dokument"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKUP = (b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<table", b"<svg", b"<script", b"<meta", b"<!--")
_HINT = "Bitte die Tabelle als .xlsx oder als CSV (Semikolon, UTF-8 oder Windows-1252) speichern."


@dataclasses.dataclass(frozen=True)
class Sniffed:
    kind: str  # XLSX, TEXT or "" (refused)
    refusal: str = ""  # German, without the file name

    @property
    def refused(self) -> bool:
        return not self.kind


def sniff(data: bytes) -> Sniffed:
    """What the bytes are: an Excel workbook, text for the CSV reader, or something refused (and why)."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_kind(data)
    if data[:8] == _OLE:
        return Sniffed("", "Die Datei hat das alte Excel-Format (.xls) oder ist ein anderes altes "
                           "Office-Dokument; es wird nicht unterstützt. " + _HINT)
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return _not_a_table(what)
    if data.startswith(b"MZ") and b"\x00" in data[:64]:  # a text starting with »MZ« has no NUL
        return _not_a_table("ein Windows-Programm")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_MARKUP) or head.startswith(b"\xff\xfe<") or head.startswith(b"\xfe\xff\x00<"):
        return _not_a_table("eine HTML- oder XML-Datei (z. B. eine als Webseite gespeicherte Tabelle)")
    return Sniffed(TEXT)


def _not_a_table(what: str) -> Sniffed:
    return Sniffed("", f"Die Datei ist {what}, keine CSV- oder Excel-Datei. {_HINT}")


def _zip_kind(data: bytes) -> Sniffed:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return Sniffed("", "Die Datei ist eine beschädigte ZIP- oder Excel-Datei und kann nicht gelesen werden. "
                           + _HINT)
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return Sniffed(XLSX)
    if "mimetype" in names and any(n == "content.xml" for n in names):
        what = "ein OpenDocument-Dokument (z. B. .ods aus LibreOffice)"
    elif any(n.startswith("word/") for n in names):
        what = "ein Word-Dokument"
    elif any(n.startswith("ppt/") for n in names):
        what = "eine PowerPoint-Präsentation"
    else:
        what = "ein ZIP-Archiv"
    return _not_a_table(what)


def suffix_notice(kind: str, suffix: str) -> str:
    """A German notice when the name's suffix says another type than the content (empty if they agree)."""
    suffix = suffix.lower()
    if kind == XLSX and suffix and suffix not in (".xlsx", ".xlsm"):
        return f"Die Endung »{suffix}« passt nicht zum Inhalt: Die Datei ist eine Excel-Datei und wurde so gelesen."
    if kind == TEXT and suffix in (".xlsx", ".xlsm", ".xls"):
        return f"Die Endung »{suffix}« passt nicht zum Inhalt: Die Datei ist eine Textdatei und wurde als CSV gelesen."
    return ""
