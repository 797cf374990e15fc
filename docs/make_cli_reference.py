"""Write docs/cli.md from the ``sabio`` command's own definitions.

python docs/make_cli_reference.py          # rewrite docs/cli.md
python docs/make_cli_reference.py --check  # exit 1 when docs/cli.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import typer

from sabio.cli import app

TARGET = Path(__file__).resolve().parent / "cli.md"


def _param_row(param: Any) -> str:
    if param.param_type_name == "argument":
        name = f"`{str(param.name).upper()}`"
        kind = "argument" + ("" if param.required else ", optional")
        return f"| {name} | {kind} | |"
    names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
    default = ""
    if param.default not in (None, False, (), []) and not param.is_flag:
        default = f"default `{param.default}`"
    elif param.is_flag and param.secondary_opts:
        default = f"default `{param.opts[0] if param.default else param.secondary_opts[0]}`"
    text = (param.help or "").replace("|", "\\|")
    return f"| {names} | {text} | {default} |"


def _command(lines: list[str], path: list[str], command: Any) -> None:
    ctx = typer.Context(command, info_name=" ".join(path))
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _command(lines, [*path, name], sub)
        return
    lines.append(f"## `{' '.join(path)}`")
    lines.append("")
    lines.append((command.help or "").strip())
    lines.append("")
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines.append(f"```\n{' '.join(path)} {usage}\n```")
    lines.append("")
    params = [p for p in command.params if p.name != "help"]
    if params:
        lines.append("| argument / option | meaning | default |")
        lines.append("|---|---|---|")
        lines.extend(_param_row(p) for p in params)
        lines.append("")


def render() -> str:
    """The CLI reference as Markdown."""
    lines = [
        "# CLI reference",
        "",
        "Generated from the command definitions by `python docs/make_cli_reference.py`; "
        "`sabio <command> --help` prints the same. Errors print one line and exit with code 1.",
        "",
    ]
    _command(lines, ["sabio"], typer.main.get_command(app))
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text() if TARGET.exists() else ""
        if current != text:
            print("docs/cli.md is out of date: run python docs/make_cli_reference.py")
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
