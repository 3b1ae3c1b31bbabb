"""Workshop templates: TOML files validated with pydantic, shipped in ``data/templates`` or the user's own.

A broken template never stops the app: it is reported with the file, the field and the problem.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from workshop import locations
from workshop.activities import KINDS
from workshop.models import MIN_GROUP_DEFAULT
from workshop.store.workshops import min_group_problem

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LevelSpec(_Spec):
    """One rung of the maturity scale."""

    value: int = Field(ge=1, le=10)
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    meaning: str = Field(default="", max_length=500)


class HorizonSpec(_Spec):
    """A time horizon each factor is rated for."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,19}$")]
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class FactorSpec(_Spec):
    """A maturity factor with one descriptor per level, lowest level first."""

    key: Slug
    # The column's length: PostgreSQL refuses a longer name that SQLite would have kept.
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    short: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)] | None = (
        Field(
            default=None,
            description="A label of at most 16 characters for narrow screens; defaults to the name.",
        )
    )
    descriptors: list[LongText]


class AgendaItemSpec(_Spec):
    """One agenda item: the activity kind, a title and the planned minutes."""

    kind: str
    title: Text
    minutes: int = Field(ge=0, le=600)
    notes: str = Field(default="", max_length=4000)
    key: Slug | None = Field(
        default=None, description="A name other items can refer to (a dot vote's source)."
    )
    settings: dict[str, Any] = Field(default_factory=dict, description="Settings of the activity kind.")

    @model_validator(mode="after")
    def _known_kind(self) -> AgendaItemSpec:
        if self.kind not in KINDS:
            raise ValueError(f"unknown activity kind {self.kind!r}; known kinds: {', '.join(sorted(KINDS))}")
        model = KINDS[self.kind].settings_model
        try:
            self.settings = model.model_validate(self.settings).model_dump(mode="json")
        except ValidationError as exc:
            problems = "; ".join(f"{_location(e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"settings for a {self.kind} item: {problems}") from None
        return self


class TemplateSpec(_Spec):
    """A whole workshop template."""

    name: Slug
    title: Text
    description: str = Field(default="", max_length=2000)
    organisations: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    ]
    role_levels: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]]
    levels: list[LevelSpec] = Field(min_length=2)
    horizons: list[HorizonSpec] = Field(min_length=1)
    factors: list[FactorSpec] = Field(min_length=1)
    agenda: list[AgendaItemSpec] = Field(min_length=1)
    # Strict: TOML says 5, never "5" or true, so anything else is a slip worth reporting.
    min_group: StrictInt = Field(
        default=MIN_GROUP_DEFAULT,
        description="The smallest group a maturity breakdown by organisation or role level shows: "
        "at least 3.",
    )

    @field_validator("min_group")
    @classmethod
    def _min_group_in_range(cls, value: int) -> int:
        problem = min_group_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> TemplateSpec:
        values = [level.value for level in self.levels]
        if values != list(range(1, len(values) + 1)):
            raise ValueError(f"levels must be numbered 1, 2, 3, … in order; found {values}")
        for field, keys in (
            ("horizons", [h.key for h in self.horizons]),
            ("factors", [f.key for f in self.factors]),
            ("organisations", self.organisations),
            ("role_levels", self.role_levels),
        ):
            seen: set[str] = set()
            for key in keys:
                if key.casefold() in seen:
                    raise ValueError(f"{field}: {key!r} appears twice")
                seen.add(key.casefold())
        keys = [item.key for item in self.agenda if item.key]
        if len(keys) != len(set(keys)):
            raise ValueError("agenda: two items have the same key")
        for index, item in enumerate(self.agenda):
            for field in ("source", "priority_from"):
                target = item.settings.get(field)
                if target is not None and target not in keys:
                    raise ValueError(
                        f"agenda[{index}].settings.{field}: no agenda item has the key {target!r}"
                    )
        for index, factor in enumerate(self.factors):
            if len(factor.descriptors) != len(self.levels):
                raise ValueError(
                    f"factors[{index}] ({factor.name}): has {len(factor.descriptors)} descriptors, "
                    f"needs {len(self.levels)} (one per level)"
                )
        return self


class TemplateError(Exception):
    """A template file that cannot be used; the message names the file, the field and the problem."""


@dataclass(frozen=True)
class TemplateFile:
    """A template found on disk: its spec, or the error that stops it loading."""

    path: Path
    spec: TemplateSpec | None
    error: str | None

    @property
    def name(self) -> str:
        return self.spec.name if self.spec else self.path.stem


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def load_template(path: Path) -> TemplateSpec:
    """Read and validate one template file, or raise :class:`TemplateError`."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{path}: not UTF-8 text: {exc.reason}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML: {exc}") from exc
    try:
        spec = TemplateSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            message = re.sub(r"^Value error, ", "", error["msg"])
            problems.append(f"{path}: {_location(error['loc'])}: {message}")
        raise TemplateError("\n".join(problems)) from exc
    if spec.name != path.stem:
        raise TemplateError(f"{path}: name: {spec.name!r} must match the file name {path.stem!r}")
    return spec


def template_dirs() -> list[Path]:
    """Folders searched for templates, later ones overriding earlier ones by name."""
    dirs = [locations.shipped_templates_dir(), locations.user_templates_dir()]
    extra = os.environ.get("WORKSHOP_TEMPLATES")
    if extra:
        dirs.extend(Path(p).expanduser() for p in extra.split(os.pathsep) if p)
    return dirs


def discover() -> dict[str, TemplateFile]:
    """Every template file found, by name; broken ones carry their error instead of a spec."""
    found: dict[str, TemplateFile] = {}
    for folder in template_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                found[path.stem] = TemplateFile(path, load_template(path), None)
            except TemplateError as exc:
                found[path.stem] = TemplateFile(path, None, str(exc))
    return found


def get_template(name: str) -> TemplateSpec:
    """The template called ``name``, or :class:`TemplateError` saying why not."""
    templates = discover()
    entry = templates.get(name)
    if entry is None:
        known = ", ".join(sorted(templates)) or "none"
        raise TemplateError(f"no template called {name!r} (known templates: {known})")
    if entry.spec is None:
        raise TemplateError(entry.error or f"template {name!r} is broken")
    return entry.spec
