"""The ``workshop`` command: parses arguments, opens the database and starts what was asked for.

The Textual UI is imported only by the commands that show it, so listing or creating workshops stays fast
and never loads the UI.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from workshop import cli_selftest, cli_serve, locations, store, token_command, usecases
from workshop.cli_parser import DEMO_TEMPLATE, UsageError, build_parser
from workshop.db import Database, DatabaseError, open_database
from workshop.exports.files import ExportError, export_workshop, parse_formats
from workshop.hr import HrError, hr_values, render_hr
from workshop.hr_files import parse_hr_formats, write_hr
from workshop.purge_command import purge_main
from workshop.retention import retention_notes
from workshop.settings import Settings
from workshop.templates import TemplateError, discover, get_template
from workshop.untrusted import one_line

DEMO_TITLE = "Demo: integrating services for children and families"


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        key: getattr(args, key)
        for key in ("db", "host", "port", "public_url", "trusted_proxy")
        if hasattr(args, key)
    }
    return Settings(**overrides)


def _open(settings: Settings) -> Database:
    try:
        return open_database(settings.database_url())
    except DatabaseError as exc:
        raise UsageError(str(exc)) from exc


def _cmd_templates(_settings: Settings) -> None:
    found = discover()
    if not found:
        print("No templates found.")
    for name, entry in sorted(found.items()):
        if entry.spec:
            print(f"{name:24} {entry.spec.title}")
            print(f"{'':24} {entry.path}")
        else:
            print(f"{name:24} BROKEN: {entry.error}")
    print(f"\nYour own templates go in {locations.user_templates_dir()}")


def _cmd_list(settings: Settings) -> None:
    db = _open(settings)
    with db.reading() as session:
        workshops = store.list_workshops(session)
        reminders = retention_notes(session)
    if not workshops:
        print('No workshops yet. Make one with: workshop new --template cyp-integration --title "…"')
    for w in workshops:
        marks = (" (demo)" if w.is_demo else "") + (" (archived)" if w.archived_at else "")
        # A title is printed to a terminal: no control characters (workshop/untrusted.py), one line.
        print(f"{w.id:>4}  {w.created_at:%Y-%m-%d}  code {w.join_code}  {one_line(w.title)}{marks}")
        if w.id in reminders:
            print(f"      {reminders[w.id]}")
    db.dispose()


def _cmd_new(settings: Settings, template: str, title: str) -> None:
    if not title.strip():
        raise UsageError("--title must not be empty")
    try:
        spec = get_template(template)
    except TemplateError as exc:
        raise UsageError(str(exc)) from exc
    db = _open(settings)
    with db.writing() as session:
        workshop = usecases.create_workshop(session, spec, title)
        token = store.issue_facilitator_token(session, workshop)  # stored hashed: shown only now
    print(
        f"Made workshop “{one_line(workshop.title)}” with join code {workshop.join_code}. "
        f"Run it with: workshop run {workshop.id}\nRemote and API token (the TUI issues its own): {token}"
    )
    print(workshop.id)
    db.dispose()


def _cmd_export(settings: Settings, workshop_id: int, formats: str, out: str | None) -> None:
    try:
        chosen = parse_formats(formats)
    except ExportError as exc:
        raise UsageError(f"--format: {exc}") from exc
    db = _open(settings)
    try:
        with db.reading() as session:
            store.get_workshop(session, workshop_id)
        folder = _expand("--out", out) if out else locations.exports_dir()
        for path in export_workshop(db, workshop_id, folder, chosen):
            print(path)
    except store.WorkshopNotFound as exc:
        raise UsageError(f"{exc} (see 'workshop list')") from exc
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        db.dispose()


def _expand(option: str, text: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError as exc:  # "~someone" for a user this machine does not know
        raise UsageError(f"{option} {text!r}: {exc}") from exc


def _cmd_hr(settings: Settings, args: argparse.Namespace) -> None:
    try:
        chosen = parse_hr_formats(args.formats)
    except HrError as exc:
        raise UsageError(f"--format {args.formats!r}: {exc}") from exc
    own = args.hr_templates or settings.hr_templates
    templates = _expand("--hr-templates", own) if own and own.strip() else None
    folder = _expand("--out", args.out) if args.out else locations.exports_dir()
    db = _open(settings)
    try:
        with db.reading() as session:
            values = hr_values(session, args.workshop_id, args.place)
        for path in write_hr(render_hr(values, templates), folder, chosen):
            print(path)
    except store.WorkshopNotFound as exc:
        raise UsageError(f"{exc} (see 'workshop list')") from exc
    except HrError as exc:  # a template folder or file that cannot be used, or a folder not writable
        raise UsageError(str(exc)) from exc
    finally:
        db.dispose()


def _run_tui(settings: Settings, db: Database, workshop_id: int | None, serve: bool = True) -> None:
    logging.basicConfig(
        filename=locations.log_dir(create=True) / "workshop.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from screens.app import WorkshopApp  # the UI loads only for the commands that show it

    app = WorkshopApp(
        db,
        workshop_id,
        serve=serve,
        host=settings.host,
        port=settings.port,
        public_url=settings.public_url,
        trusted_proxies=settings.trusted_proxies(),
    )
    app.run()
    db.dispose()


def _cmd_run(settings: Settings, workshop_id: int, serve: bool = True) -> None:
    db = _open(settings)
    with db.reading() as session:
        try:
            store.get_workshop(session, workshop_id)
        except store.WorkshopNotFound as exc:
            raise UsageError(f"{exc} (see 'workshop list')") from exc
    _run_tui(settings, db, workshop_id, serve)


def _cmd_demo(settings: Settings) -> None:
    db = _open(settings)
    with db.writing() as session:
        workshop = store.latest_demo(session)
        if workshop is None:
            try:
                spec = get_template(DEMO_TEMPLATE)
            except TemplateError as exc:
                raise UsageError(str(exc)) from exc
            workshop = usecases.create_workshop(session, spec, DEMO_TITLE, demo=True)
    _run_tui(settings, db, workshop.id)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workshop`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        if args.command == "templates":
            _cmd_templates(settings)
        elif args.command == "list":
            _cmd_list(settings)
        elif args.command == "new":
            # argparse on Python 3.11 turns the value "--" into an empty list: it was still a title.
            title = args.title if isinstance(args.title, str) else "--"
            _cmd_new(settings, args.template, title)
        elif args.command == "run":
            _cmd_run(settings, args.workshop_id, serve=not args.no_server)
        elif args.command == "serve":
            return cli_serve.serve_main(settings, args.workers, _open)
        elif args.command == "demo":
            _cmd_demo(settings)
        elif args.command == "export":
            _cmd_export(settings, args.workshop_id, args.formats, args.out)
        elif args.command == "hr":
            _cmd_hr(settings, args)
        elif args.command == "selftest":
            return cli_selftest.selftest_main(settings, args, _open)
        elif args.command == "purge":
            return purge_main(_open(settings), args.workshop_id, yes=args.yes)
        elif args.command == "token":
            return token_command.token_main(_open(settings), args.workshop_id, settings.public_url)
        elif args.command == "home":
            _run_tui(settings, _open(settings), None)
    except (UsageError, cli_serve.ServeRefused) as exc:
        print(f"workshop: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `workshop list | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ValidationError as exc:  # a bad WORKSHOP_* variable
        first = exc.errors()[0]
        name = "WORKSHOP_" + "_".join(str(part) for part in first["loc"]).upper()
        print(f"workshop: error: {name}: {first['msg']}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
