"""The app's own scripts for ``st.html(..., unsafe_allow_javascript=True)``, in one place.

The Content-Security-Policy (``ui.security_headers``) allows inline scripts only by their SHA-256, so every
script the app puts on a page is a constant here (what varies goes into data attributes of its element, which
Streamlit copies to the script it runs). A script not listed in :data:`ALL` is refused by the browser. This
module imports nothing heavy: the middleware reads it when the server starts.
"""

from __future__ import annotations

from pathlib import Path

#: Translates Streamlit's own English texts as they are drawn (``ui.german``).
GERMAN = (Path(__file__).with_name("german.js")).read_text(encoding="utf-8")

# The skip link opens the table's tab and puts the focus on it (Tab then leads into the table and its downloads).
SKIP_TO_TAB = """(() => {
  if (window.__asskommSkipToTab) return;
  window.__asskommSkipToTab = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-asskomm-tab]");
    if (!link) return;
    const name = link.getAttribute("data-asskomm-tab");
    const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => t.textContent.trim() === name);
    if (!tab) return;
    event.preventDefault();
    history.replaceState(history.state, "", link.hash);
    if (tab.getAttribute("aria-selected") !== "true") tab.click();
    tab.scrollIntoView({block: "start"});
    tab.focus();
  });
})();"""

# After a sign-in (or sign-out) the browser fetches (or deletes) its cookie (``ui.auth.sync_cookie``): the route,
# the body with the one-time code and the word to report come from the element's data attributes.
SIGN_IN_COOKIE = """(() => {
  const me = document.currentScript;
  if (!me) return;
  const done = me.dataset.done;
  fetch(window.location.origin + me.dataset.path, {method: "POST", credentials: "same-origin", cache: "no-store",
        headers: {"Content-Type": "application/json"}, body: me.dataset.body})
    .then(r => { document.documentElement.dataset.asskommSitzung = r.ok ? done : "fehler"; })
    .catch(() => { document.documentElement.dataset.asskommSitzung = "fehler"; });
})();"""

ALL = (GERMAN, SKIP_TO_TAB, SIGN_IN_COOKIE)
