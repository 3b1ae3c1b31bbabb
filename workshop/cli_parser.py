"""The ``workshop`` command's arguments: every subcommand, its options and their checks.

Apart from :mod:`workshop.cli`, which runs what was asked for; the tests build the same parser.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from workshop import __version__, cli_selftest, cli_serve, token_command
from workshop.exports.files import FORMATS
from workshop.hr_files import HR_FORMATS
from workshop.purge_command import add_purge_parser
from workshop.row_ids import parse_row_id
from workshop.settings import parse_proxies

DEMO_TEMPLATE = "cyp-integration"


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port must be a number from 0 to 65535, not {text!r}")
    return int(text)


def _proxies(text: str) -> str:
    try:
        parse_proxies(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _workshop_id(text: str) -> int:
    if parse_row_id(text) is None:  # a number no row can have reaches no database
        raise argparse.ArgumentTypeError(f"a workshop id is a number (see 'workshop list'), not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, shared by ``main`` and the tests."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH-or-URL",
        help="database: a SQLite file or an SQLAlchemy URL (default: $WORKSHOP_DB, else workshop.sqlite3 "
        "in your data folder)",
    )
    serving = _Parser(add_help=False)
    serving.add_argument("--host", default=argparse.SUPPRESS, help="address to listen on (default 0.0.0.0)")
    serving.add_argument(
        "--port", type=_port, default=argparse.SUPPRESS, help="preferred port (default 8000)"
    )
    serving.add_argument(
        "--public-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the address phones should open, if not this laptop's",
    )
    serving.add_argument(
        "--trusted-proxy",
        type=_proxies,
        default=argparse.SUPPRESS,
        metavar="IP[,IP]",
        help="the reverse proxy in front of the server: only its X-Forwarded-For is believed (default: none)",
    )

    parser = _Parser(
        prog="workshop",
        parents=[common],
        description="Run live partnership workshops from a terminal; participants vote from their phones.",
    )
    parser.add_argument("--version", action="version", version=f"workshop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    commands.add_parser(
        "demo",
        parents=[common, serving],
        help="open the demo workshop (made on first use) in the TUI",
        description="Open the demo workshop in the TUI, with its participant server. It is made from the "
        f"{DEMO_TEMPLATE} template the first time and kept, votes and all, for next time.",
    )
    commands.add_parser(
        "home",
        parents=[common, serving],
        help="open the list of workshops in the TUI: new, run, follow up, archive, delete",
        description="Open the TUI on the list of workshops, with the participant server. Make one from a "
        "template, run one, make a follow-up of one a year on, archive or delete one.",
    )
    new = commands.add_parser(
        "new",
        parents=[common],
        help="make a workshop from a template; prints its id last",
        description="Make a workshop from a template. The last line printed is its id.",
    )
    new.add_argument(
        "--template", required=True, metavar="NAME", help="template name (see 'workshop templates')"
    )
    new.add_argument("--title", required=True, metavar="TEXT", help="the workshop's title")
    run = commands.add_parser(
        "run",
        parents=[common, serving],
        help="run a workshop: the TUI and the participant server",
        description="Run a workshop in the TUI, with the participant server phones join.",
    )
    run.add_argument(
        "workshop_id", type=_workshop_id, metavar="ID", help="the workshop's id (see 'workshop list')"
    )
    cli_serve.add_no_server(run)
    cli_serve.add_parser(commands, common, port=_port, proxies=_proxies)
    cli_selftest.add_parser(commands, common)
    export = commands.add_parser(
        "export",
        parents=[common],
        help="write a workshop's outcome pack (Word, Excel, HTML, CSV, Markdown, JSON)",
        description="Write a workshop's outcome pack: results item by item, agreed levels, values and "
        "priorities, change since the baseline, and breakdowns that never show a group smaller than the "
        "workshop's minimum (five unless set).",
    )
    export.add_argument(
        "workshop_id", type=_workshop_id, metavar="ID", help="the workshop's id (see 'workshop list')"
    )
    export.add_argument(
        "--format",
        dest="formats",
        default="md,json",
        metavar="LIST",
        help=f"comma-separated formats: {', '.join(FORMATS)}, or all (default: md,json)",
    )
    export.add_argument(
        "--out", metavar="FOLDER", help="where to write (default: the exports folder in your data folder)"
    )
    hr = commands.add_parser(
        "hr",
        parents=[common],
        help="write HR text from the agreed values: job description, interview questions, appraisal, …",
        description="Write text for HR from the values and behaviours the workshop agreed: job description "
        "lines, person specification rows, interview questions, an appraisal section per value and "
        "development plan lines. Your own templates replace ours file by file.",
    )
    hr.add_argument(
        "workshop_id", type=_workshop_id, metavar="ID", help="the workshop's id (see 'workshop list')"
    )
    hr.add_argument(
        "--format",
        dest="formats",
        default="md,txt,docx",
        metavar="LIST",
        help=f"comma-separated formats: {', '.join(HR_FORMATS)}, or all (default: all three)",
    )
    hr.add_argument("--out", metavar="FOLDER", help="where to write (default: the exports folder)")
    hr.add_argument(
        "--hr-templates",
        metavar="DIR",
        help="a folder of your own HR templates; any missing come from ours ($WORKSHOP_HR_TEMPLATES)",
    )
    hr.add_argument("--place", metavar="NAME", help="the place, as in 'the NAME partnership' (default: none)")
    add_purge_parser(commands, [common], _workshop_id)
    token_command.add_token_parser(commands, [common], _workshop_id)
    commands.add_parser(
        "list", parents=[common], help="list workshops", description="List workshops, newest first."
    )
    commands.add_parser(
        "templates",
        parents=[common],
        help="list workshop templates and where they come from",
        description="List templates: shipped ones and those in your own templates folder.",
    )
    return parser
