"""HR text from the agreed values: what counts as agreed, every section, own templates, the sandbox, and
participant text that must stay text (escaped in Markdown, exact in plain text)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.helpers.hr import LEFT_OUT, ONE_TEAM, TRUST, WILL, WONT, seed_named, seed_values
from tests.naughty import BLNS
from workshop.db import Database
from workshop.hr import (
    SECTIONS,
    HrPack,
    HrTemplateError,
    configured_templates_dir,
    hr_values,
    preview_value,
    render_hr,
)
from workshop.hr_text import to_markdown, to_text
from workshop.store import moderation
from workshop.untrusted import one_line, readable


def pack_for(
    db: Database, workshop_id: int, templates: Path | None = None, place: str | None = None
) -> HrPack:
    with db.reading() as session:
        return render_hr(hr_values(session, workshop_id, place), templates)


def section_text(pack: HrPack, key: str, value: int) -> str:
    return to_text(next(s for s in pack.sections if s.key == key).parts[value].raw)


def test_only_what_the_facilitator_agreed_counts(db: Database, workshop_id: int) -> None:
    seed_values(db, workshop_id)
    with db.reading() as session:
        source = hr_values(session, workshop_id)
    assert [v.name for v in source.values] == [ONE_TEAM, TRUST]  # in the order agreed; Curiosity never was
    one_team, trust = source.values
    assert one_team.statement == "Families tell their story once"
    assert (one_team.will, one_team.wont) == (WILL, WONT)  # the merged value's behaviour came across
    assert one_team.merged == ("One team",)
    assert one_team.not_agreed == 1  # proposed, not agreed; the hidden one is not counted at all
    assert (trust.will, trust.wont, trust.behaviours_agreed, trust.not_agreed) == ((), (), False, 1)
    assert source.proposed == 3 and source.activities == 1  # the merged duplicate is not counted


def test_every_section_names_the_value_and_only_its_agreed_behaviours(db: Database, workshop_id: int) -> None:
    seed_values(db, workshop_id)
    pack = pack_for(db, workshop_id, place="Northshire")
    assert [s.key for s in pack.sections] == [key for key, _, _ in SECTIONS]
    for section in pack.sections:
        one_team, trust = (to_text(part.raw) for part in section.parts)
        assert ONE_TEAM in one_team and TRUST in trust, section.key
        for behaviour in WILL + WONT:
            assert behaviour in one_team, (section.key, behaviour)
        for text in (one_team, trust):
            assert not any(left in text for left in LEFT_OUT), section.key
        # Trust has no agreed behaviours: the text says so instead of inventing any.
        assert "No behaviours were agreed for this value yet" in trust, section.key
        assert "No behaviours were agreed" not in one_team
    whole = to_text(pack.document())
    assert not any(left in whole for left in LEFT_OUT)
    assert "the Northshire partnership" in section_text(pack, "job_description", 0)
    appraisal = section_text(pack, "appraisal", 0)
    assert "☐ Not yet shown ☐ Shown consistently ☐ Role model" in appraisal
    assert "Feedback from a colleague in a partner organisation" in appraisal
    assert "Essential" in section_text(pack, "person_specification", 0)
    assert "Review date" in section_text(pack, "cpd", 0)
    assert "Tell us about a time when" in section_text(pack, "interview_questions", 0)
    assert "also covers One team" in whole  # the merged value is named in the list of values


def test_nothing_agreed_says_so(db: Database, workshop_id: int) -> None:
    pack = pack_for(db, workshop_id)
    assert pack.sections == ()
    assert "No values were proposed at this workshop" in to_text(pack.document())
    ids = seed_values(db, workshop_id)
    with db.writing() as session:
        for key in ("one_team", "trust"):
            moderation.set_agreed(session, ids[key], False)
    pack = pack_for(db, workshop_id)
    assert pack.sections == ()
    assert "3 values were proposed, but none was marked as agreed" in to_text(pack.document())
    with db.reading() as session:
        source = hr_values(session, workshop_id)
    none = render_hr(replace(source, activities=0, proposed=0))
    assert "This workshop has no values activity" in to_text(none.document())


def test_own_templates_replace_one_file_and_the_rest_fall_back(
    db: Database, workshop_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_values(db, workshop_id)
    own = tmp_path / "ours"
    own.mkdir()
    (own / "job_description.md.j2").write_text(
        '{% set title = "Our job description" %}\n'
        '- Lives “{{ value.name }}”: {{ value.will | join(", ") }}\n',
        encoding="utf-8",
    )
    pack = pack_for(db, workshop_id, own)
    assert pack.sections[0].title == "Our job description"
    assert section_text(pack, "job_description", 0) == f"• Lives “{ONE_TEAM}”: {', '.join(WILL)}\n"
    assert "Role model" in section_text(pack, "appraisal", 0)  # the shipped appraisal, as nothing replaced it
    monkeypatch.setenv("WORKSHOP_HR_TEMPLATES", str(own))
    assert configured_templates_dir() == own
    monkeypatch.setenv("WORKSHOP_HR_TEMPLATES", " ")
    assert configured_templates_dir() is None


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("one\ntwo\n{% if %}\n", 3, "Expected an expression"),
        ("- {{ value.name }}\n{{ value.behaviors }}\n", 2, "has no attribute 'behaviors'"),
        ("{% for b in value.will %}\n{{ b }}\n{% endfor %}\n{{ nothing }}\n", 4, "'nothing' is undefined"),
        ('{% include "part.md.j2" %}\n', 2, "'oops' is undefined"),  # the line in the file it included
        ("{{ 1 / 0 }}\n", 1, "division by zero"),
    ],
)
def test_a_broken_template_names_its_file_and_line(
    db: Database, workshop_id: int, tmp_path: Path, text: str, line: int, problem: str
) -> None:
    seed_values(db, workshop_id)
    (tmp_path / "appraisal.md.j2").write_text(text, encoding="utf-8")
    (tmp_path / "part.md.j2").write_text("fine\n{{ oops }}\n", encoding="utf-8")
    with pytest.raises(HrTemplateError) as caught:
        pack_for(db, workshop_id, tmp_path)
    message = str(caught.value)
    named = tmp_path / ("part.md.j2" if "include" in text else "appraisal.md.j2")
    assert message.startswith(f"HR template {named}:{line}: "), message
    assert problem in message


def test_a_template_folder_that_cannot_be_used(db: Database, workshop_id: int, tmp_path: Path) -> None:
    with pytest.raises(HrTemplateError, match="no such folder of HR templates"):
        pack_for(db, workshop_id, tmp_path / "missing")
    (tmp_path / "job-description.md.j2").write_text("misnamed\n", encoding="utf-8")
    with pytest.raises(HrTemplateError, match="none of the HR templates is there"):
        pack_for(db, workshop_id, tmp_path)
    (tmp_path / "cpd.md.j2").write_bytes(b"\xff\xfe not UTF-8")
    seed_values(db, workshop_id)
    with pytest.raises(HrTemplateError, match=r"cpd\.md\.j2: not UTF-8 text"):
        pack_for(db, workshop_id, tmp_path)


@pytest.mark.parametrize(
    "reach",
    [
        "value.__class__",
        "value.name.__class__.__mro__",
        "values.__class__.__base__.__subclasses__()",
        "cycler.__init__.__globals__",
        "value.__dataclass_fields__",
        "lipsum.__globals__",
        "value.will.__class__.__mro__[1].__subclasses__()",
    ],
)
def test_the_sandbox_keeps_templates_away_from_python(
    db: Database, workshop_id: int, tmp_path: Path, reach: str
) -> None:
    seed_values(db, workshop_id)
    (tmp_path / "cpd.md.j2").write_text(f"{{{{ {reach} }}}}\n", encoding="utf-8")
    with pytest.raises(HrTemplateError, match=r"cpd\.md\.j2:1: .*(unsafe|undefined|no attribute)"):
        pack_for(db, workshop_id, tmp_path)


def test_printed_values_stay_marked_however_a_template_builds_them(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    names = ["# Heading *bold* | pipe", "[link](javascript:alert(1))"]
    seed_named(db, workshop_id, names)
    (tmp_path / "job_description.md.j2").write_text(
        "{% set both = value.name ~ ' and ' ~ value.name %}\n"
        "{% set kept %}**{{ value.name }}**{% endset %}\n"
        "- {{ both }} / {{ kept }} / {{ value.name | upper }} / {{ value }}\n",
        encoding="utf-8",
    )
    pack = pack_for(db, workshop_id, tmp_path)
    section = next(s for s in pack.sections if s.key == "job_description")
    for name, part in zip(names, section.parts, strict=True):
        text = to_text(part.raw)
        assert f"• {name} and {name} / {name} / {name.upper()}" in text
        markdown = to_markdown(part.raw)
        rendered = MarkdownIt("commonmark").render(markdown)
        assert "<a " not in rendered and "<h" not in rendered and "<em>" not in rendered, rendered
        assert rendered.count("<strong>") == 1  # the template's own bold, around the kept value
        # Joined, kept, and inside the printed object (``{{ value }}`` shows its fields, as text too).
        assert html.unescape(re.sub(r"<[^>]+>", "", rendered)).count(name) == 4


def naughty_names() -> list[str]:
    """The corpus as value names; one that is only blank space cannot be a value."""
    return [text for text in BLNS if one_line(text)]


# The whole corpus through the HR pack's files: with the document formats, in the pack tier.
@pytest.mark.pack
def test_naughty_value_names_are_escaped_in_markdown(db: Database, workshop_id: int) -> None:
    names = naughty_names()
    seed_named(db, workshop_id, names)
    markdown = to_markdown(pack_for(db, workshop_id).document())
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    # Only the template's structure: one title, five sections, and per value one heading in each of the
    # four sections that head a value with its name; no link, image or raw HTML from any name.
    levels = [t.tag for t in tokens if t.type == "heading_open"]
    assert levels.count("h1") == 1 and levels.count("h2") == 5 and levels.count("h3") == 4 * len(names)
    kinds = {child.type for t in tokens if t.type == "inline" for child in t.children or []}
    assert not kinds & {"link_open", "image", "html_inline", "code_inline"}, kinds
    assert not {t.type for t in tokens} & {"html_block", "code_block", "fence", "hr"}
    headings = []
    for number, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h3":
            inline = tokens[number + 1]
            headings.append("".join(c.content for c in inline.children or [] if c.type == "text"))
    assert headings == [one_line(name) for name in names] * 4


# The whole corpus through the HR pack's files: with the document formats, in the pack tier.
@pytest.mark.pack
def test_naughty_value_names_are_exact_in_plain_text(db: Database, workshop_id: int) -> None:
    names = naughty_names()
    seed_named(db, workshop_id, names)
    pack = pack_for(db, workshop_id)
    for section in pack.sections:
        for name, part in zip(names, section.parts, strict=True):
            text = to_text(part.raw)
            # Exactly as written, apart from the control characters no reader gets (workshop.untrusted).
            assert f"“{readable(name)}”" in text or f"\n{readable(name)}\n" in f"\n{text}", (
                section.key,
                name,
            )


def test_a_preview_shows_a_value_agreed_or_not(db: Database, workshop_id: int) -> None:
    ids = seed_values(db, workshop_id)
    with db.reading() as session:
        curiosity = preview_value(session, workshop_id, ids["curiosity"])
        merged = preview_value(session, workshop_id, ids["duplicate"])
        gone = preview_value(session, workshop_id, 10**9)
    assert curiosity is not None and [(v.name, v.agreed) for v in curiosity.values] == [("Curiosity", False)]
    assert merged is not None and merged.values[0].name == ONE_TEAM  # followed to the value it went into
    assert gone is None
