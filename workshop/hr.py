"""HR text from the values a workshop agreed: job description, person specification, interview questions,
appraisal and development plan lines, from templates an organisation can replace with its own wording.

What counts as agreed (the pack says so when something is missing, and never makes anything up):

* a value counts if the facilitator marked it agreed (``a`` in the values view) and it is not hidden or
  merged; values come in the order they were agreed, activity by activity in agenda order;
* under it, only the behaviours marked agreed count. A value with none says so in its text instead of
  falling back to every behaviour proposed;
* values merged into it are named (their behaviours were moved across when they were merged).

The templates (``data/hr/*.md.j2``, described in ``data/hr/README.md``) run in Jinja's sandbox, so an
organisation's own files cannot reach Python's internals. Everything they print is marked as data and comes
out escaped in Markdown and exact in plain text and Word (``workshop.hr_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session

from workshop import locations, store
from workshop.activities import get_activity
from workshop.activities.values import ValuesActivity, ValuesSummary, ValueSummary
from workshop.hr_text import mark, unmarked
from workshop.models import utcnow
from workshop.settings import Settings
from workshop.store.entries import VISIBLE

INTRODUCTION = "introduction.md.j2"
# The sections, in the pack's order: (key, template file, the heading used if the template sets no title).
SECTIONS = (
    ("job_description", "job_description.md.j2", "Job description"),
    ("person_specification", "person_specification.md.j2", "Person specification"),
    ("interview_questions", "interview_questions.md.j2", "Interview questions"),
    ("appraisal", "appraisal.md.j2", "Appraisal"),
    ("cpd", "cpd.md.j2", "Personal development plan"),
)
TEMPLATE_FILES = (INTRODUCTION, *(file for _, file, _ in SECTIONS))


class HrError(Exception):
    """HR text that cannot be made or written; the message says what and why."""


class HrTemplateError(HrError):
    """A template that cannot be used; the message names its file and, where known, the line."""


@dataclass(frozen=True)
class HrValue:
    """One value as the templates see it: only what the room agreed."""

    name: str
    statement: str  # "" if it has none
    will: tuple[str, ...]  # agreed "we will" behaviours, in the order they were added
    wont: tuple[str, ...]  # agreed "we won't" behaviours
    merged: tuple[str, ...] = ()  # the names of values merged into it
    not_agreed: int = 0  # behaviours proposed under it and not marked agreed (not in the text)
    agreed: bool = True  # False only in a preview of a value the room has not agreed yet

    @property
    def behaviours_agreed(self) -> bool:
        """Whether any of its behaviours was marked agreed."""
        return bool(self.will or self.wont)


@dataclass(frozen=True)
class AgreedValues:
    """What the HR text is made from: the workshop and its agreed values."""

    workshop_id: int
    partnership: str  # the workshop's title
    place: str | None  # the place's name, when someone gave it
    held_on: date  # the day the workshop was made
    values: tuple[HrValue, ...]
    proposed: int  # values proposed (not hidden or merged), agreed or not
    activities: int  # values activities on the agenda


@dataclass(frozen=True)
class HrPart:
    """One value's text in one section, as rendered (values marked; see ``workshop.hr_text``)."""

    value: HrValue
    raw: str


@dataclass(frozen=True)
class HrSection:
    """One section of the pack: its heading, the text under it, and each value's part."""

    key: str
    title: str
    intro: str  # rendered, may be ""
    parts: tuple[HrPart, ...]


@dataclass(frozen=True)
class HrPack:
    """The HR text for every agreed value, section by section, ready for each format."""

    source: AgreedValues
    introduction: str  # rendered
    sections: tuple[HrSection, ...]
    exported_at: datetime

    @property
    def workshop_id(self) -> int:
        """The workshop's id (for the file name)."""
        return self.source.workshop_id

    @property
    def title(self) -> str:
        """The workshop's title (for the file name)."""
        return self.source.partnership

    def document(self) -> str:
        """The whole pack, rendered and marked, for :func:`workshop.hr_text.to_markdown` and the rest."""
        parts = [self.introduction]
        for section in self.sections:
            parts += [f"## {_one_line(section.title)}", section.intro, *(part.raw for part in section.parts)]
        return "\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"

    def value_document(self, index: int) -> str:
        """One value's text in every section, under the sections' headings (the TUI's preview)."""
        parts = []
        for section in self.sections:
            parts += [f"## {_one_line(section.title)}", section.parts[index].raw]
        return "\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def hr_value(summary: ValuesSummary, value: ValueSummary) -> HrValue:
    """``value`` with only its agreed behaviours, and the names of the values merged into it."""
    shown = [b for b in value.behaviours if b.status in VISIBLE]
    agreed = [b for b in shown if b.agreed is not None]
    into = {v.id: v.merged_into for v in summary.values if v.status == "merged" and v.merged_into}

    def merges_into(value_id: int) -> bool:
        seen = set()
        while value_id in into and value_id not in seen:  # merged into one merged in turn, and so on
            seen.add(value_id)
            value_id = into[value_id] or 0
        return value_id == value.id

    return HrValue(
        name=value.name,
        statement=value.statement,
        will=tuple(b.text for b in agreed if b.stance == "will"),
        wont=tuple(b.text for b in agreed if b.stance == "wont"),
        merged=tuple(v.name for v in summary.values if v.id in into and merges_into(v.id)),
        not_agreed=len(shown) - len(agreed),
        agreed=value.agreed is not None and value.status in VISIBLE,
    )


def _summaries(session: Session, workshop_id: int) -> list[ValuesSummary]:
    summaries = []
    for item in store.agenda(session, workshop_id):
        if item.kind == ValuesActivity.kind:
            summary = get_activity(item.kind).summarise(session, item)
            if isinstance(summary, ValuesSummary):
                summaries.append(summary)
    return summaries


def _source(session: Session, workshop_id: int, place: str | None, values: Sequence[HrValue]) -> AgreedValues:
    workshop = store.get_workshop(session, workshop_id)
    summaries = _summaries(session, workshop_id)
    return AgreedValues(
        workshop_id=workshop_id,
        partnership=workshop.title,
        place=place.strip() if place and place.strip() else None,
        held_on=workshop.created_at.date(),
        values=tuple(values),
        proposed=sum(s.value_count for s in summaries),
        activities=len(summaries),
    )


def hr_values(session: Session, workshop_id: int, place: str | None = None) -> AgreedValues:
    """The workshop's agreed values with their agreed behaviours (raises ``store.WorkshopNotFound``)."""
    store.get_workshop(session, workshop_id)
    values = []
    for summary in _summaries(session, workshop_id):
        agreed = [v for v in summary.values if v.agreed is not None and v.status in VISIBLE]
        values += [hr_value(summary, v) for v in sorted(agreed, key=lambda v: v.agreed or 0)]
    return _source(session, workshop_id, place, values)


def preview_value(session: Session, workshop_id: int, entry_id: int) -> AgreedValues | None:
    """The value an entry is (or, for a behaviour, sits under) as :func:`hr_values` would give it, agreed
    or not, followed to the value it was merged into; None if it is gone."""
    for summary in _summaries(session, workshop_id):
        by_id = {v.id: v for v in summary.values}
        parent = next((v for v in summary.values for b in v.behaviours if b.id == entry_id), None)
        value = by_id.get(entry_id) or parent
        seen = set()
        while value is not None and value.merged_into in by_id and value.id not in seen:
            seen.add(value.id)
            value = by_id[value.merged_into or 0]
        if value is not None:
            return _source(session, workshop_id, None, [hr_value(summary, value)])
    return None


def shipped_hr_dir() -> Path:
    """The HR templates that ship with the app."""
    return locations.shipped_data_dir() / "hr"


def configured_templates_dir() -> Path | None:
    """The organisation's own folder, if ``WORKSHOP_HR_TEMPLATES`` names one (``Settings.hr_templates``)."""
    folder = Settings().hr_templates
    return Path(folder).expanduser() if folder and folder.strip() else None


def _finalize(value: object) -> object:
    """Every value a template prints is text, never markup: marked, unless it already holds marks (the
    values reach templates marked, so text built from them, or kept with ``{% set %}``, keeps its own)."""
    if isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    return text if unmarked(text) != text else mark(text)


def _environment(templates_dir: Path | None) -> SandboxedEnvironment:
    folders = [shipped_hr_dir()]
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise HrTemplateError(f"{templates_dir}: no such folder of HR templates")
        if not any((templates_dir / name).is_file() for name in TEMPLATE_FILES):
            raise HrTemplateError(
                f"{templates_dir}: none of the HR templates is there (expected any of: "
                f"{', '.join(TEMPLATE_FILES)})"
            )
        folders.insert(0, templates_dir)  # the organisation's own first; a file it lacks comes from ours
    return SandboxedEnvironment(
        loader=FileSystemLoader([str(f) for f in folders], encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,  # the output is Markdown, not HTML; printed values are marked instead
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _where(env: SandboxedEnvironment, name: str, tb: TracebackType | None) -> str:
    """The template file and line a render failed at (the innermost template frame), else the file."""
    found = _path_of(env, name)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or Path(filename).parent in _folders(env):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _folders(env: SandboxedEnvironment) -> list[Path]:
    loader = cast(FileSystemLoader, env.loader)
    return [Path(p) for p in loader.searchpath]


def _path_of(env: SandboxedEnvironment, name: str) -> str:
    return next((str(f / name) for f in _folders(env) if (f / name).is_file()), name)


def _render(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The template's output and the names it sets at its top level (``title``, ``intro``)."""
    try:
        template = env.get_template(name)
        try:
            module = template.make_module(context)
        except Exception:
            env.handle_exception()  # gives the traceback the template's own file and line
        return str(module), {k: getattr(module, k) for k in ("title", "intro") if hasattr(module, k)}
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or _path_of(env, name)}:{exc.lineno}"
        raise HrTemplateError(f"HR template {where}: {exc.message}") from exc
    except TemplateNotFound as exc:
        raise HrTemplateError(f"HR template {_path_of(env, name)}: no template called {exc.name!r}") from exc
    except UnicodeDecodeError as exc:
        raise HrTemplateError(f"HR template {_path_of(env, name)}: not UTF-8 text: {exc.reason}") from exc
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RuntimeError) as exc:
        # SecurityError (the sandbox said no) and UndefinedError are TemplateErrors.
        problem = str(exc) or type(exc).__name__
        raise HrTemplateError(f"HR template {_where(env, name, exc.__traceback__)}: {problem}") from exc


def _set_text(value: object, default: str) -> str:
    """A ``title`` or ``intro`` a template sets: its Markdown (values in it are marked), else ``default``."""
    return value if isinstance(value, str) and value.strip() else default


def _marked(source: AgreedValues) -> AgreedValues:
    """``source`` with each piece of participant text marked as data (``workshop.hr_text``), so it stays
    text however a template uses it; empty text stays empty, so ``{% if value.statement %}`` still works."""

    def one(text: str) -> str:
        return mark(text) if text else text

    def value(v: HrValue) -> HrValue:
        return replace(
            v,
            name=one(v.name),
            statement=one(v.statement),
            will=tuple(map(one, v.will)),
            wont=tuple(map(one, v.wont)),
            merged=tuple(map(one, v.merged)),
        )

    return replace(
        source,
        partnership=one(source.partnership),
        place=one(source.place) if source.place else None,
        values=tuple(value(v) for v in source.values),
    )


def render_hr(values: AgreedValues, templates_dir: Path | None = None) -> HrPack:
    """Render every section for every agreed value; ``templates_dir`` holds an organisation's own templates
    (any missing there come from the shipped ones). Raises :class:`HrTemplateError`."""
    source = _marked(values)
    env = _environment(templates_dir)
    common: dict[str, Any] = {
        "partnership": source.partnership,
        "place": source.place,
        "held_on": mark(f"{source.held_on.day} {source.held_on:%B %Y}"),
        "values": source.values,
        "proposed": source.proposed,
        "activities": source.activities,
    }
    introduction, _ = _render(env, INTRODUCTION, common)
    sections = []
    for key, file, default_title in SECTIONS:
        parts, title, intro = [], default_title, ""
        for number, (value, shown) in enumerate(zip(values.values, source.values, strict=True)):
            text, names = _render(env, file, {**common, "value": shown})
            parts.append(HrPart(value, text))
            if number == 0:
                title, intro = _set_text(names.get("title"), title), _set_text(names.get("intro"), "")
        if parts:
            sections.append(HrSection(key, title, intro, tuple(parts)))
    return HrPack(source, introduction, tuple(sections), utcnow())
