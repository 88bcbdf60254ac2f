"""Commands loaded when they run: ``roundabout status`` does not import FastAPI or pandas.

Every command module imports what it works with (the store brings DuckDB, Ibis and PyArrow;
``serve`` FastAPI; ``leaks`` the analytics and pandas; ``screen`` the matcher). Imported all at
start, as a plain Typer app does, they cost some 2.5 s of CPU before any command starts: the
better part of screening one name. :class:`LazyGroup` is the root command group: it knows each
command by name, with the module that defines it (:class:`Lazy`), and imports that module only
when the command is looked up to run.

``roundabout --help`` lists the commands from their one-line summaries kept here
(:attr:`Lazy.summary`), without importing them; a test renders the help both ways (summaries,
and the loaded commands) and checks they are the same, so a summary cannot drift from its
command's docstring. Help of one command (``roundabout leaks --help``) loads that command.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, ClassVar

import typer
from typer import _click as click  # Typer's own (vendored) click: Command, Context, ...
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class Lazy:
    """A command defined in ``module`` as ``attr``: a function (one command) or a
    ``typer.Typer`` (a group: ``screen``, ``lists``, ...). ``summary`` is its help line in
    ``roundabout --help``."""

    module: str
    attr: str
    summary: str

    def load(self, name: str) -> click.Command:
        obj: Any = getattr(importlib.import_module(self.module), self.attr)
        # Built as Typer builds a command of the root app (no completion options of its own).
        root = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        if isinstance(obj, typer.Typer):
            root.add_typer(obj, name=name)
        else:
            from roundabout.cli._common import fails_cleanly

            root.command(name)(fails_cleanly(obj))
        root.command("-")(_nothing)  # two commands: Typer makes a group, not the command alone
        group = typer.main.get_command(root)
        assert isinstance(group, TyperGroup)
        return group.commands[name]


class LazyGroup(TyperGroup):
    """A Typer group whose commands (:attr:`lazy`, set by a subclass) load on first use."""

    lazy: ClassVar[dict[str, Lazy]] = {}
    #: While the group's own help is written: list summaries, import nothing.
    _listing: bool = False
    #: Tests set this to render the help from the loaded commands instead of the summaries.
    summaries_in_help: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        eager = super().get_command(ctx, cmd_name)
        if eager is not None or cmd_name not in self.lazy:
            return eager
        spec = self.lazy[cmd_name]
        if self._listing and self.summaries_in_help:
            return TyperCommand(cmd_name, help=spec.summary)
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = spec.load(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            # A typo is matched against every command ("Did you mean ...?"), lazy ones too:
            # Typer's own suggestions know only the commands loaded.
            if args and "Did you mean" not in exc.message:
                close = get_close_matches(args[0], self.list_commands(ctx))
                if close:
                    names = ", ".join(f"{m!r}" for m in close)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise


def _nothing() -> None:
    """Never run: makes the builder's app a group."""
