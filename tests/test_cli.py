"""The command line: each command works, and every bad input is one line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.terminal import TerminalSession
from tests.naughty import BLNS
from workshop import store
from workshop.cli import main
from workshop.db import open_database
from workshop.models import row_id
from workshop.store import lifecycle

ROOT = Path(__file__).resolve().parents[1]
# Nearly every test here starts the real command, a Python process that loads the whole app.
pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_new_then_list(tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite3")
    made = run("--db", db, "new", "--template", "cyp-integration", "--title", "Spring partnership day")
    assert made.returncode == 0, made.stderr
    workshop_id = made.stdout.strip().splitlines()[-1]
    assert workshop_id.isdigit()
    listed = run("list", "--db", db)
    assert listed.returncode == 0
    assert f"{workshop_id:>4}" in listed.stdout and "Spring partnership day" in listed.stdout


def test_db_from_environment_and_default_location(tmp_path: Path, workshop_home: Path) -> None:
    db = tmp_path / "env.sqlite3"
    assert (
        run("new", "--template", "cyp-integration", "--title", "Env", env={"WORKSHOP_DB": str(db)}).returncode
        == 0
    )
    assert db.exists()
    assert run("new", "--template", "cyp-integration", "--title", "Default").returncode == 0
    assert (workshop_home / "data" / "workshop.sqlite3").exists()


def test_templates_lists_shipped_and_broken(workshop_home: Path) -> None:
    (workshop_home / "templates").mkdir(parents=True)
    (workshop_home / "templates" / "half.toml").write_text('name = "half"\n', encoding="utf-8")
    out = run("templates")
    assert out.returncode == 0
    assert "cyp-integration" in out.stdout and "Integrating services" in out.stdout
    assert "half" in out.stdout and "BROKEN" in out.stdout and "title: Field required" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "42"], "no workshop with id 42 (see 'workshop list')"),
        (["run", "abc"], "a workshop id is a number"),
        (["run", "1", "--port", "70000"], "port must be a number from 0 to 65535"),
        (["new", "--template", "nope", "--title", "x"], "no template called 'nope'"),
        (["new", "--template", "cyp-integration", "--title", "   "], "--title must not be empty"),
        (["new", "--title", "x"], "the following arguments are required: --template"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["export", "42"], "no workshop with id 42 (see 'workshop list')"),
        (["export", "99999999999999999999"], "a workshop id is a number"),
        (["run", "99999999999999999999"], "a workshop id is a number"),
        ([], "the following arguments are required: COMMAND"),
        (["--db", "/proc/no/such/dir/x.sqlite3", "list"], "cannot open database"),
        (["--db", "nosuchdriver://x/y", "list"], "cannot open database"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    env = {} if "--db" in args else {"WORKSHOP_DB": str(tmp_path / "x.sqlite3")}
    out = run(*args, env=env)
    assert out.returncode == 2
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr


def test_bad_environment_setting() -> None:
    out = run("list", env={"WORKSHOP_PORT": "eighty"})
    assert out.returncode == 2
    assert out.stderr.startswith("workshop: error: WORKSHOP_PORT:")


def test_help_and_version() -> None:
    assert run("--version").stdout.strip().startswith("workshop 0.")
    for command in ("demo", "home", "new", "run", "export", "list", "templates"):
        out = run(command, "--help")
        assert out.returncode == 0 and "--db" in out.stdout, command


def test_every_naughty_title_is_stored_as_typed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    strings = BLNS
    db_path = str(tmp_path / "blns.sqlite3")
    expected: dict[int, str] = {}
    for text in strings:
        rc = main(["--db", db_path, "new", "--template", "cyp-integration", f"--title={text}"])
        out, err = capsys.readouterr()
        if text.strip():
            assert rc == 0, (text, err)
            expected[int(out.strip().splitlines()[-1])] = text.strip()[:200]
        else:
            assert rc == 2 and "must not be empty" in err
    db = open_database(f"sqlite:///{db_path}")
    with db.reading() as session:
        stored = {w.id: w.title for w in store.list_workshops(session)}
    db.dispose()
    assert stored == expected


def test_output_into_a_closed_pipe_is_not_an_error() -> None:
    shell = f"{sys.executable} -m workshop templates | head -c 0"
    out = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr


def test_list_marks_archived_workshops(tmp_path: Path) -> None:
    db_path = tmp_path / "w.sqlite3"
    for title in ("Kept", "Put away"):
        assert (
            run("--db", str(db_path), "new", "--template", "cyp-integration", "--title", title).returncode
            == 0
        )
    db = open_database(f"sqlite:///{db_path}")
    with db.writing() as session:
        put_away = next(w for w in store.list_workshops(session) if w.title == "Put away")
        lifecycle.set_archived(session, row_id(put_away), True)
    db.dispose()
    lines = run("list", "--db", str(db_path)).stdout.splitlines()
    assert any(line.endswith("Put away (archived)") for line in lines)
    assert any(line.endswith("Kept") for line in lines)


def test_home_opens_the_list_in_a_terminal_and_quits(tmp_path: Path) -> None:
    """``workshop home`` in a real pseudo-terminal: the list appears, q quits cleanly."""
    db = str(tmp_path / "w.sqlite3")
    assert run("--db", db, "new", "--template", "cyp-integration", "--title", "Spring day").returncode == 0
    app = TerminalSession("home", "--db", db, "--host", "127.0.0.1", "--port", "0", columns=100, rows=30)
    try:
        assert app.read_until(b"Spring day")
        assert b"Workshops" in app.output
        assert app.read_until_exit(30, keys=b"q") == 0
    finally:
        app.end()


def test_export_writes_the_pack_and_explains_bad_formats(tmp_path: Path, workshop_home: Path) -> None:
    db = str(tmp_path / "w.sqlite3")
    made = run("--db", db, "new", "--template", "cyp-integration", "--title", "Spring day")
    workshop_id = made.stdout.strip().splitlines()[-1]
    out = run("export", workshop_id, "--db", db)
    assert out.returncode == 0, out.stderr
    paths = [Path(line) for line in out.stdout.splitlines()]
    assert [p.suffix for p in paths] == [".md", ".json"]
    assert all(p.parent == workshop_home / "exports" and p.read_text().strip() for p in paths)
    assert paths[0].read_text().startswith("# Spring day\n")
    chosen = run("export", workshop_id, "--db", db, "--format", "json", "--out", str(tmp_path / "out"))
    assert chosen.returncode == 0 and Path(chosen.stdout.strip()).parent == tmp_path / "out"
    bad = run("export", workshop_id, "--db", db, "--format", "pdf")
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "workshop: error: --format: unknown export format 'pdf' "
        "(known: md, html, docx, xlsx, csv, json, or all)"
    )
    empty = run("export", workshop_id, "--db", db, "--format", " , ")
    assert empty.returncode == 2 and "no export format given" in empty.stderr
    several = run("export", workshop_id, "--db", db, "--format", "xlsx,MD,.docx,md", "--out", str(tmp_path))
    assert several.returncode == 0, several.stderr
    endings = [Path(line).name.split("-outcomes")[-1] for line in several.stdout.split()]
    assert endings == [".xlsx", ".md", ".docx"]  # as asked, each once
    every = run("export", workshop_id, "--db", db, "--format", "all", "--out", str(tmp_path / "all"))
    assert every.returncode == 0, every.stderr
    endings = [Path(line).name.split("-outcomes")[-1] for line in every.stdout.split()]
    assert endings == [".md", ".html", ".docx", ".xlsx", ".csv.zip", ".json"]
    nobody = run("export", workshop_id, "--db", db, "--out", "~no-such-user-here/x")
    assert nobody.returncode == 2
    assert nobody.stderr.startswith("workshop: error: --out '~no-such-user-here/x'")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    failed = run("export", workshop_id, "--db", db, "--out", str(blocked))
    assert failed.returncode == 2 and f"could not write to {blocked}" in failed.stderr


def test_titles_reach_the_terminal_without_control_characters(tmp_path: Path) -> None:
    db = str(tmp_path / "w.sqlite3")
    made = run(
        "--db", db, "new", "--template", "cyp-integration", "--title", "Spring\x1b]2;PWNED\x07 day\x1b[2J"
    )
    listed = run("--db", db, "list")
    for out in (made.stdout, listed.stdout):
        assert "Spring]2;PWNED day[2J" in out and "\x1b" not in out and "\x07" not in out
