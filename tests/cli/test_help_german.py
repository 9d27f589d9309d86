"""Every command's --help is German and names the command as it is typed (``asskomm …``)."""

from __future__ import annotations

import argparse
import re

import pytest

from asskomm.cli import health, main

ENGLISH = re.compile(
    r"usage:|options:|show this help|positional arguments|\b(?:the|and|of|with|between|schema revision)\b", re.I
)


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*prefix, name))
    return found


def _help(run, argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        run(argv)
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_every_commands_help_is_german(capsys):
    commands = _commands(main.build_parser())
    assert ("db", "backup") in commands and ("user", "add") in commands and len(commands) > 15
    for command in commands:
        text = _help(main.main, [*command, "--help"], capsys)
        assert text.startswith("Aufruf: asskomm"), command
        assert not ENGLISH.search(text), (command, ENGLISH.search(text).group(0))
        assert "python -m asskomm " not in text, command  # the installed command is »asskomm«


def test_health_check_help_is_german(capsys):
    text = _help(health.main, ["--help"], capsys)
    assert text.startswith("Aufruf: ") and "Optionen:" in text
    assert not ENGLISH.search(text), ENGLISH.search(text).group(0)
