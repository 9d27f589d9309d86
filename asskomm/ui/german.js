// German for the texts that Streamlit 1.67 writes itself and offers no setting for (file uploader, form hints,
// date fields, screen-reader labels, table toolbar). Installed once per browser tab by asskomm/ui/german.py;
// a MutationObserver translates what Streamlit adds or changes later. Texts not listed here stay as they are.
(() => {
  if (window.__asskommGerman) return;
  window.__asskommGerman = true;
  const MONTHS = {January: "01", February: "02", March: "03", April: "04", May: "05", June: "06", July: "07",
    August: "08", September: "09", October: "10", November: "11", December: "12"};
  const MONTH_NAMES = {January: "Januar", February: "Februar", March: "März", April: "April", May: "Mai",
    June: "Juni", July: "Juli", August: "August", September: "September", October: "Oktober",
    November: "November", December: "Dezember"};
  const DAYS = {Monday: "Montag", Tuesday: "Dienstag", Wednesday: "Mittwoch", Thursday: "Donnerstag",
    Friday: "Freitag", Saturday: "Samstag", Sunday: "Sonntag", Mo: "Mo", Tu: "Di", We: "Mi", Th: "Do", Fr: "Fr",
    Sa: "Sa", Su: "So"};
  const size = (n, unit) => `${n.replace(".", ",").replace(/,0$/, "")} ${unit}`;
  // [pattern, replacement]: whole text (trimmed) of a text node or an attribute
  const TEXT = [
    [/^Press (Ctrl|⌘)\+Enter to submit form$/, (m, k) => `${k === "Ctrl" ? "Strg" : k}+Eingabe sendet das Formular ab`],
    [/^Press Enter to submit form$/, () => "Eingabe sendet das Formular ab"],
    [/^Press (Ctrl|⌘)\+Enter to apply$/, (m, k) => `${k === "Ctrl" ? "Strg" : k}+Eingabe übernimmt`],
    [/^Press Enter to apply$/, () => "Eingabe übernimmt"],
    [/^Drag and drop files? here$/, () => "Datei hierher ziehen"],
    [/^Browse files$/, () => "Datei auswählen"],
    [/^Upload$/, () => "Hochladen"],
    [/^(\d+(?:\.\d+)?)\s?(B|KB|MB|GB) per file$/, (m, n, u) => `höchstens ${size(n, u)} je Datei`],
    [/^(\d+\.\d+)(B|KB|MB|GB)$/, (m, n, u) => size(n, u)],
    [/^No results$/, () => "Keine Treffer"],
    [/^Skip to main content$/, () => "Zum Inhalt springen"],
    [/^Running\.\.\.$/, () => "Läuft …"],
    [/^Stop$/, () => "Anhalten"],
    [/^Selected Date: (\w+) (\d+), (\d{4})$/, (m, mo, d, y) => `Gewähltes Datum: ${d.padStart(2, "0")}.${MONTHS[mo] || mo}.${y}`],
    [/^(January|February|March|April|May|June|July|August|September|October|November|December)( \d{4})?$/,
      (m, mo, y) => MONTH_NAMES[mo] + (y || "")],
    [/^(Mo|Tu|We|Th|Fr|Sa|Su)$/, (m, d) => DAYS[d]],
  ];
  const ATTR = [
    [/^Help for (.+)$/, (m, x) => `Hilfe zu ${x}`],
    [/^Help$/, () => "Hilfe"],
    [/^Sidebar$/, () => "Seitenleiste"],
    [/^Collapse sidebar$/, () => "Seitenleiste einklappen"],
    [/^Expand sidebar$/, () => "Seitenleiste ausklappen"],
    [/^Open$/, () => "Öffnen"],
    [/^Close$/, () => "Schließen"],
    [/^Link to heading$/, () => "Link zu dieser Überschrift"],
    [/^Show\/hide columns$/, () => "Spalten ein- oder ausblenden"],
    [/^Download as CSV$/, () => "Als CSV herunterladen"],
    [/^Search$/, () => "Suchen"],
    [/^Fullscreen$/, () => "Vollbild"],
    [/^Fullscreen: (.*)$/s, (m, x) => `Vollbild: ${x}`],
    [/^(Close|Exit) fullscreen$/, () => "Vollbild beenden"],
    [/^(day|month|year), (.+?)( start date| end date)?$/, (m, part, x, which) =>
      `${{day: "Tag", month: "Monat", year: "Jahr"}[part]}, ${x}${which ? (which === " start date" ? " (Beginn)" : " (Ende)") : ""}`],
    [/^Choose date$/, () => "Datum wählen"],
    [/^Choose date range$/, () => "Zeitraum wählen"],
    [/^Choose (\w+), (\w+) (\d+)\w\w (\d{4})\. It's (not )?available\.$/, (m, wd, mo, d, y, not) =>
      `${DAYS[wd] || wd}, ${d.padStart(2, "0")}.${MONTHS[mo] || mo}.${y}${not ? " (nicht wählbar)" : ""}`],
    [/^Previous month$/, () => "Vorheriger Monat"],
    [/^Next month$/, () => "Nächster Monat"],
    [/^Copy to clipboard$/, () => "In die Zwischenablage kopieren"],
    [/^Show password$/, () => "Passwort anzeigen"],
    [/^Hide password$/, () => "Passwort verbergen"],
    [/^Choose an option$/, () => "Bitte wählen"],
    [/^Select\.\.\.$/, () => "Bitte wählen …"],
    [/^file upload$/, () => "Datei hochladen"],
    [/^Add files$/, () => "Weitere Datei wählen"],
    [/^Remove (.+)$/, (m, x) => `${x} entfernen`],
    [/^Clear all$/, () => "Alle entfernen"],
    [/^Clear value$/, () => "Auswahl entfernen"],
    [/^Selected values$/, () => "Gewählte Werte"],
    [/^Running\.\.\.$/, () => "Läuft …"],
    [/^Stop script$/, () => "Ausführung anhalten"],
    [/^Main menu$/, () => "Hauptmenü"],
    [/^Notifications$/, () => "Benachrichtigungen"],
    [/^Scroll tabs (left|right)$/, (m, d) => `Reiter nach ${d === "left" ? "links" : "rechts"} blättern`],
  ];
  const DATE_PARTS = {dd: "TT", mm: "MM", yyyy: "JJJJ"};
  const ATTRS = ["aria-label", "title", "placeholder", "aria-placeholder"];
  const apply = (rules, text) => {
    const t = text.trim();
    for (const [re, fn] of rules) {
      const m = t.match(re);
      if (m) return text.replace(t, fn(...m));
    }
    return null;
  };
  const inDate = (el) => el && el.closest && el.closest('[data-testid="stDateInput"]');
  const fixText = (node) => {
    const el = node.parentElement;
    if (!el || el.closest("script,style,noscript,code,pre")) return;
    // Markdown is the app's own text (and users' data): left alone, except inside Streamlit's own widgets.
    if (el.closest("[data-testid='stMarkdownContainer']") && !el.closest("[data-testid^='stFileUploader']")) return;
    const t = node.textContent;
    let out = null;
    if (inDate(el) && DATE_PARTS[t.trim()]) out = DATE_PARTS[t.trim()];
    else out = apply(TEXT, t);
    if (out !== null && out !== t) node.textContent = out;
  };
  const fixAttrs = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute && el.getAttribute(a);
      if (!v) continue;
      let out = apply(ATTR, v);
      if (out === null && a === "placeholder") out = v.replace(/dd|mm|yyyy/g, (p) => DATE_PARTS[p]);
      if (out !== null && out !== v) el.setAttribute(a, out);
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixAttrs(root);
    for (const el of root.querySelectorAll("[aria-label],[title],[placeholder],[aria-placeholder]")) fixAttrs(el);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (w.nextNode()) fixText(w.currentNode);
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(walk);
      else if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttrs(r.target);
    }
  });
  walk(document.body);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ATTRS});
})();
