"""Expected failures of a command as a German message on stderr and an exit status (no traceback)."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable

Handler = tuple[type[BaseException] | tuple[type[BaseException], ...], Callable[[BaseException, argparse.Namespace], str]]


def guarded(func: Callable[[argparse.Namespace], int], *handlers: Handler, status: int) -> Callable:
    """``func`` with each (exception types, message) handler in turn: the first that matches prints its
    message and the command ends with ``status``; anything else is raised."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except Exception as exc:
            for types, message in handlers:
                if isinstance(exc, types):
                    print(message(exc, args), file=sys.stderr)
                    return status
            raise

    return run
