"""The options every `complaint-bot` command takes, before or after the command's name."""

from __future__ import annotations

import argparse


def add_common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Below the top level the default is SUPPRESS: an option given before the command keeps its value.
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=False if top else argparse.SUPPRESS,
        help="log every scheduler tick, request and Slack call (default: one line per poll)",
    )
    parser.add_argument(
        "--log-format", choices=("text", "json"), default="text" if top else argparse.SUPPRESS,
        help="json: one JSON object per log line, for log shippers (default: text)",
    )


def options_after_the_command(parser: argparse.ArgumentParser) -> None:
    """`complaint-bot poll --once -v` works as well as `complaint-bot -v poll --once`, for every command and subcommand."""
    for action in parser._actions:  # argparse keeps subcommands here; there is no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                add_common_options(command, top=False)
                options_after_the_command(command)
