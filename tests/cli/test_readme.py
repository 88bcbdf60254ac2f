"""The README's command synopses are checked against the CLI both ways: every command, option
and listed choice it shows must exist, and every command and option of the CLI must be shown in
its synopsis, so the docs cannot drift from the code unnoticed (in either direction)."""

from __future__ import annotations

import enum
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import typer

from roundabout.cli.main import app

README = Path(__file__).parents[2] / "README.md"


def _synopses() -> list[str]:
    """Command lines in the README's code blocks, continuation lines joined."""
    lines: list[str] = []
    in_block = False
    for raw in README.read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        text = raw.split("#", 1)[0].rstrip()
        if text.startswith("roundabout "):
            lines.append(text)
        elif text.startswith(" ") and text.strip().startswith("[") and lines:
            lines[-1] += " " + text.strip()
    out: list[str] = []
    for line in lines:  # "a | lists load --bundled | lists show": three synopses
        for i, part in enumerate(line.split(" | ")):
            out.append(part if i == 0 else "roundabout " + part.strip())
    return out


def _resolve(words: list[str]) -> tuple[Any, str]:
    """The command a synopsis names (typer's groups have ``commands``) and its path."""
    cmd: Any = ROOT
    path = "roundabout"
    for w in words[1:]:
        if w in _subcommands(cmd):
            cmd = _subcommands(cmd)[w]
            path += " " + w
        else:
            break
    return cmd, path


def _subcommands(cmd: Any) -> dict[str, Any]:
    """A group's commands by name (the root loads its own on demand: ``list_commands``)."""
    if not hasattr(cmd, "commands"):
        return {}
    ctx = typer.Context(cmd)
    return {n: cmd.get_command(ctx, n) for n in cmd.list_commands(ctx)}


def _choices(param: Any) -> list[str] | None:
    """The values an option accepts when it is a choice (an Enum or Literal annotation)."""
    ann = param.type_descriptor.annotation
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return [str(m.value) for m in ann]
    args = typing.get_args(ann)
    return [str(a) for a in args] if args and all(isinstance(a, str) for a in args) else None


SYNOPSES = _synopses()
ROOT = typer.main.get_command(app)


def _leaves(cmd: Any, path: str = "roundabout") -> list[tuple[str, Any]]:
    """Every runnable command of the CLI with its path (``roundabout lists load``, ...)."""
    subs = _subcommands(cmd) if hasattr(cmd, "commands") else None
    if subs is None:
        return [(path, cmd)]
    return [leaf for name, sub in subs.items() for leaf in _leaves(sub, f"{path} {name}")]


def _long_options(cmd: Any) -> set[str]:
    return {
        o
        for p in cmd.params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
        for o in (*p.opts, *p.secondary_opts)
        if o.startswith("--") and o != "--help"
    }


LEAVES = [("roundabout", ROOT), *_leaves(ROOT)]  # the root for its own options (--version)


def test_the_readme_shows_every_command() -> None:
    shown = {_resolve(s.split())[1] for s in SYNOPSES}
    missing = [path for path, _ in LEAVES if path not in shown]  # the root: `--version`
    assert not missing, f"commands without a README synopsis: {missing}"


@pytest.mark.parametrize("path", [path for path, _ in LEAVES])
def test_every_option_of_the_cli_is_in_the_readme(path: str) -> None:
    cmd = dict(LEAVES)[path]
    shown: set[str] = set()
    for line in SYNOPSES:
        if _resolve(line.split())[1] == path:
            shown |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line))
    missing = sorted(_long_options(cmd) - shown)
    assert not missing, f"{path}: the README's synopsis does not show {missing}"


def test_the_input_file_columns_are_documented() -> None:
    """Every column the party and shipment readers know is named in the README."""
    from roundabout.lists.model import ID_KINDS
    from roundabout.screening import shipments

    text = README.read_text(encoding="utf-8")
    columns = {*ID_KINDS, "id", "name", "country", "identifiers", "birth_date", "schema", "type"}
    columns |= {*shipments.ROLES, "<role>_country"}
    columns |= set(shipments._ALIASES) | set(shipments._ALIASES.values())
    missing = sorted(c for c in columns if f"`{c}`" not in text)
    assert not missing, f"columns not in the README: {missing}"


@pytest.mark.parametrize("line", SYNOPSES)
def test_synopsis_matches_the_cli(line: str) -> None:
    cmd, path = _resolve(line.split())
    root_options = path == "roundabout" and line.split()[1].startswith("--")  # --version
    assert root_options or not hasattr(cmd, "commands"), f"{line!r}: {path} needs a subcommand"
    params = {o: p for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line):
        assert flag in params, f"{path}: README shows {flag}, the CLI has {sorted(params)}"
    # listed choices: "--format {a,b}" or "--format a|b|c"
    for flag, choices in re.findall(r"(--[a-z-]+)[ =]\{?([a-z0-9_]+(?:[,|][a-z0-9_]+)+)", line):
        known = _choices(params[flag])
        assert known is not None, f"{path} {flag} is not a choice"
        assert set(re.split(r"[,|]", choices)) <= set(known), (path, flag, known)
