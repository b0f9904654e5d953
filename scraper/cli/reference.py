"""docs/cli.md, generated from the commands' own --help (as sqlite-utils does).

`python -m scraper.cli.reference > docs/cli.md` (or `make docs`) rewrites it;
a test fails when the file is stale.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from scraper.cli import COMMAND_MODULES, load_module

WIDTH = 100


def _commands(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
    for name in sorted(group.commands):
        command = group.commands[name]
        if command.hidden:
            continue
        yield [*path, name], command
        if isinstance(command, click.Group):
            yield from _commands(command, [*path, name])


def render(cli: click.Group) -> str:
    """The whole reference as Markdown: the top-level help, then one section per command."""
    for module in sorted({module for module, _ in COMMAND_MODULES.values()}):  # commands load lazily
        load_module(module)
    root = click.Context(
        cli, info_name="takedowns", terminal_width=WIDTH, max_content_width=WIDTH, help_option_names=["-h", "--help"]
    )
    out = [
        "# takedowns command reference",
        "",
        "Generated from `--help` by `python -m scraper.cli.reference > docs/cli.md` (`make docs`);",
        "`tests/test_docs.py` fails when this file is stale. Do not edit by hand.",
        "",
        "```",
        cli.get_help(root),
        "```",
    ]
    contexts: dict[tuple[str, ...], click.Context] = {(): root}
    for path, command in _commands(cli, []):
        parent = contexts[tuple(path[:-1])]
        ctx = click.Context(
            command,
            info_name=path[-1],
            parent=parent,
            terminal_width=WIDTH,
            max_content_width=WIDTH,
            help_option_names=["-h", "--help"],
        )
        contexts[tuple(path)] = ctx
        out += ["", f"## takedowns {' '.join(path)}", "", "```", command.get_help(ctx), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    from scraper.cli import cli

    click.echo(render(cli), nl=False)
