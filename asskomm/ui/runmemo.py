"""Values read once per script run: the data and boundary versions that every loader is keyed on.

A page asks for them many times per run; each answer is a database query or a directory listing. Within one
run the first answer holds, so the run shows one consistent version; the next run (any rerun, also after an
edit on another server) asks again. Streamlit gives every run, and every fragment run, a new ``cursors`` dict
on its ScriptRunContext: the memo belongs to that dict, so it cannot outlive the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")
_ATTR = "_asskomm_run_memo"


def once_per_run(name: str, compute: Callable[[], T], *, unless: Any = None) -> T:
    """``compute()`` once per script run of this session; again within the run when ``unless`` changes
    (e.g. the count of this process's writes to the database: a save earlier in the same run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:  # outside a script run (warm-up at start, CLI, plain unit tests)
        return compute()
    memo = getattr(ctx, _ATTR, None)
    if memo is None or memo[0] is not ctx.cursors:
        memo = (ctx.cursors, {})
        setattr(ctx, _ATTR, memo)
    hit = memo[1].get(name)
    if hit is None or hit[0] != unless:
        hit = (unless, compute())
        memo[1][name] = hit
    return hit[1]
