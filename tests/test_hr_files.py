"""``workshop hr``: the files it writes (Markdown, plain text, Word reopened with python-docx), and one-line
errors with exit code 2 for a bad id, format or template folder."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests.helpers.hr import LEFT_OUT, ONE_TEAM, TRUST, WILL, WONT, seed_named, seed_values
from tests.naughty import BLNS
from workshop.cli import main
from workshop.db import Database
from workshop.hr import hr_values, render_hr
from workshop.hr_docx import render
from workshop.hr_files import HR_FORMATS
from workshop.untrusted import one_line, readable, xml_text

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

ROOT = Path(__file__).resolve().parents[1]


def hr(db: Database, *args: str) -> int:
    return main(["--db", db.url, "hr", *args])


def test_writes_markdown_plain_text_and_word(
    db: Database, workshop_id: int, workshop_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_values(db, workshop_id)
    assert hr(db, str(workshop_id), "--place", "Northshire") == 0
    paths = [Path(line) for line in capsys.readouterr().out.splitlines()]
    assert [p.suffix for p in paths] == [".md", ".txt", ".docx"]
    assert all(p.parent == workshop_home / "exports" and p.stem.endswith(f"-{workshop_id}-hr") for p in paths)
    markdown, text = paths[0].read_text(encoding="utf-8"), paths[1].read_text(encoding="utf-8")
    assert markdown.startswith("# Our shared values: text for HR\n")
    assert "| Criterion | Essential or desirable | How assessed |" in markdown
    for words in (ONE_TEAM, TRUST, *WILL, *WONT):
        assert words in markdown and words in text
    assert not any(left in markdown or left in text for left in LEFT_OUT)
    # Plain text to paste: none of the Markdown marks.
    assert not any(line.startswith(("#", "- ", "| ")) or "**" in line for line in text.splitlines())
    assert "Criterion · Essential or desirable · How assessed" in text
    assert "• Work as part of the Northshire partnership" in text

    document = docx.Document(str(paths[2]))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert ("Title", "Our shared values: text for HR") in styles
    assert ("Heading 1", "Person specification") in styles and ("Heading 2", ONE_TEAM) in styles
    assert ("Normal", "Rating: ☐ Not yet shown ☐ Shown consistently ☐ Role model") in styles
    assert any(style == "List Bullet" and text == WILL[0] for style, text in styles)
    specification = document.tables[0]
    assert len(specification.columns) == 3
    cells = [[cell.text for cell in row.cells] for row in specification.rows]
    assert cells[0] == ["Criterion", "Essential or desirable", "How assessed"]
    assert cells[2] == [
        f"Shows in their work that they will: {WILL[0]}",
        "Essential",
        "Interview and reference",
    ]
    assert all(run.bold for cell in specification.rows[0].cells for run in cell.paragraphs[0].runs)
    assert len(document.tables[2].columns) == 5  # the development plan's lines, after Trust's specification


def test_chosen_formats_into_a_chosen_folder(
    db: Database, workshop_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_values(db, workshop_id)
    assert hr(db, str(workshop_id), "--format", " TXT,.md,txt", "--out", str(tmp_path / "hr")) == 0
    paths = [Path(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p.parent, p.suffix) for p in paths] == [(tmp_path / "hr", ".txt"), (tmp_path / "hr", ".md")]
    assert hr(db, str(workshop_id), "--format", "all", "--out", str(tmp_path / "all")) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(HR_FORMATS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["424242"], "no workshop with id 424242 (see 'workshop list')"),
        (
            ["{id}", "--format", "pdf"],
            "--format 'pdf': unknown HR text format 'pdf' (known: md, txt, docx, or all)",
        ),
        (["{id}", "--format", " , "], "no HR text format given"),
        (["{id}", "--hr-templates", "{tmp}/missing"], "{tmp}/missing: no such folder of HR templates"),
        (["{id}", "--hr-templates", "{tmp}/broken"], "HR template {tmp}/broken/appraisal.md.j2:2: "),
        (["{id}", "--out", "~no-such-user-here/x"], "--out '~no-such-user-here/x': "),
        (["{id}", "--hr-templates", "~no-such-user-here/x"], "--hr-templates '~no-such-user-here/x': "),
        (["{id}", "--out", "{tmp}/a-file"], "could not write to {tmp}/a-file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: Database,
    workshop_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    seed_values(db, workshop_id)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "appraisal.md.j2").write_text("fine\n{{ value.rating }}\n", encoding="utf-8")
    (tmp_path / "a-file").write_text("in the way", encoding="utf-8")
    filled = [a.format(id=workshop_id, tmp=tmp_path) for a in args]
    assert hr(db, *filled) == 2
    err = capsys.readouterr().err
    assert err.startswith("workshop: error: ") and err.count("\n") == 1, err
    assert message.format(tmp=tmp_path) in err


def test_own_templates_from_the_environment(
    db: Database,
    workshop_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_values(db, workshop_id)
    (tmp_path / "job_description.md.j2").write_text(
        "- In our own words: {{ value.name }}\n", encoding="utf-8"
    )
    monkeypatch.setenv("WORKSHOP_HR_TEMPLATES", str(tmp_path))
    assert hr(db, str(workshop_id), "--format", "txt", "--out", str(tmp_path / "out")) == 0
    text = Path(capsys.readouterr().out.strip()).read_text(encoding="utf-8")
    assert f"• In our own words: {ONE_TEAM}" in text and "Role model" in text
    # The command line's folder wins over the environment's.
    assert hr(db, str(workshop_id), "--hr-templates", str(tmp_path / "nope")) == 2
    assert "nope: no such folder of HR templates" in capsys.readouterr().err


def test_naughty_value_names_reach_word_exactly_where_xml_allows(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    names = [text for text in BLNS if one_line(text)]
    seed_named(db, workshop_id, names)
    # Short templates of our own, so each name is a heading, a bullet and a table cell without the writing
    # of hundreds of full sections (the shipped templates' Word output is checked above).
    (tmp_path / "introduction.md.j2").write_text("# HR\n", encoding="utf-8")
    (tmp_path / "job_description.md.j2").write_text("### {{ value.name }}\n\n- {{ value.name }}\n", "utf-8")
    (tmp_path / "person_specification.md.j2").write_text(
        "| A | B |\n| --- | --- |\n| {{ value.name }} | x |\n"
    )
    for name in ("interview_questions", "appraisal", "cpd"):
        (tmp_path / f"{name}.md.j2").write_text("**{{ value.name }}**\n", encoding="utf-8")
    with db.reading() as session:
        pack = render_hr(hr_values(session, workshop_id), tmp_path)
    document = docx.Document(io.BytesIO(render(pack)))
    expected = [xml_text(readable(name)) for name in names]
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    bold = [p.text for p in document.paragraphs if p.runs and all(r.bold for r in p.runs)]
    # python-docx reads a tab back as a tab: the text is what was written.
    assert headings == expected and bullets == expected
    assert bold == expected * 3
    assert [t.rows[1].cells[0].text for t in document.tables] == expected


@pytest.mark.slow  # starts the real command, a Python process that loads the whole app
def test_the_real_command(db: Database, workshop_id: int, tmp_path: Path) -> None:
    seed_values(db, workshop_id)
    done = subprocess.run(
        [sys.executable, "-m", "workshop", "--db", db.url, "hr", str(workshop_id), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob(f"*-{workshop_id}-hr.*"))) == 3
    help_text = subprocess.run(
        [sys.executable, "-m", "workshop", "hr", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "--hr-templates" in help_text and "--place" in help_text
