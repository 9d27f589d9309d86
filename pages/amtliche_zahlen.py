"""Amtliche Zahlen (URL ``/amtliche_zahlen``, admins only): the ministry's current figures beside the KPI cards."""

import datetime as dt

import streamlit as st

from asskomm import labels
from asskomm.ui import auth as ui_auth
from asskomm.ui import official
from asskomm.ui.messages import flash, md

admin = ui_auth.restricted_page(
    "admin",
    "Die Pflege der amtlichen Zahlen",
    title="Amtliche Zahlen",
    caption="Zahlen des Ministeriums mit interner Quelle (z. B. »LPR-Statistik 11/2026«). Sie stehen neben den "
    "Kennzahlen der Karte, in der Kurzinformation, im Bericht und auf der Seite »Quellen« – vor jeder Zahl aus der "
    "Presse; eine neuere Veröffentlichung des SMI/LPR geht ihnen vor. Jede Eingabe steht im Änderungsprotokoll.",
)
today = dt.date.today()
entered = official.table(today)
if entered.empty:
    st.info("Noch keine amtlichen Zahlen eingetragen.", icon=":material/info:")
else:
    st.dataframe(entered, hide_index=True, width="stretch")

st.header("Eintragen")
with st.form("amtl_add", clear_on_submit=True):
    c1, c2, c3 = st.columns([2, 1, 1])
    kennzahl = c1.selectbox("Kennzahl", list(official.KENNZAHLEN), format_func=official.KENNZAHLEN.get)
    wert = c2.number_input("Wert", min_value=0, max_value=100_000, step=1, value=None, placeholder="z. B. 63")
    stand = c3.date_input("Stand", value=None, min_value=official.EARLIEST, max_value=today, format="DD.MM.YYYY")
    referenz = st.text_input("Referenz (interne Quelle)", max_chars=200, placeholder="LPR-Statistik 11/2026")
    if st.form_submit_button("Eintragen", type="primary"):
        number, problems = official.add(
            {"kennzahl": kennzahl, "wert": "" if wert is None else int(wert), "stand": stand or "",
             "referenz": referenz}, ui_auth.actor(admin))
        if number is not None:
            flash(f"Amtliche Zahl Nr. {number} eingetragen: {md(official.KENNZAHLEN[kennzahl])} "
                  f"{labels.fmt_int(wert)}.", toast=True)
            st.rerun()
        st.error("Nicht gespeichert:\n\n" + "\n".join(f"- {md(p)}" for p in problems), icon=":material/block:")

if not entered.empty:
    st.header("Entfernen")
    with st.form("amtl_remove"):
        numbers = entered["Nr."].tolist()
        chosen = st.selectbox("Amtliche Zahl", numbers, format_func=lambda n: " · ".join(
            str(v) for v in entered.loc[entered["Nr."] == n, ["Nr.", "Kennzahl", "Wert", "Stand", "Referenz"]].iloc[0]))
        sure = st.checkbox("Ja, diese Zahl entfernen")
        if st.form_submit_button("Entfernen"):
            problems = official.remove(int(chosen), ui_auth.actor(admin)) if sure else [
                "Bitte zuerst »Ja, diese Zahl entfernen« ankreuzen."]
            if not problems:
                flash(f"Amtliche Zahl Nr. {chosen} entfernt.", toast=True)
                st.rerun()
            st.error("Nicht entfernt:\n\n" + "\n".join(f"- {md(p)}" for p in problems), icon=":material/block:")
