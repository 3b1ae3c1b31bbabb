"""What every activity kind provides: its phone form, its storage and its live summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlmodel import Session

from workshop.models import AgendaItem, Seat


@dataclass(frozen=True)
class FormError:
    """One problem with a submitted form: the field it belongs to, the element to jump to, the message."""

    field: str
    anchor: str
    message: str


@dataclass
class ParsedForm:
    """A submitted form after validation: the clean answers and the problems (empty when it can be saved)."""

    answers: Any
    errors: list[FormError] = field(default_factory=list)
    # The error summary's lines, when the kind groups many field errors into fewer lines; else ``errors``.
    summary: list[FormError] | None = None
    # What the participant picked, by field name, so a form with errors is shown again as they left it.
    entered: dict[str, str] = field(default_factory=dict)


class Activity:
    """Base for an activity kind. A kind with no phone template asks nothing of participants."""

    kind: ClassVar[str]
    label: ClassVar[str]
    phone_template: ClassVar[str | None] = None

    @property
    def accepts_responses(self) -> bool:
        """Whether participants answer this kind on their phones."""
        return self.phone_template is not None

    def structure(self, session: Session, item: AgendaItem) -> Any:
        """What the phone form and the summary need to know about the item (factors, options, …)."""
        return None

    def current_answers(self, session: Session, item: AgendaItem, seat: Seat) -> dict[str, str]:
        """The seat's saved answers as form values, to fill the form when the participant comes back."""
        return {}

    def parse_form(self, structure: Any, form: Mapping[str, str]) -> ParsedForm:
        """Validate a submitted phone form against the item's structure."""
        raise NotImplementedError(f"{self.kind} takes no answers")

    def save(self, session: Session, item_id: int, seat_id: int, answers: Any) -> None:
        """Store (or replace) the seat's answers; runs inside the caller's write transaction."""
        raise NotImplementedError(f"{self.kind} takes no answers")

    def summarise(self, session: Session, item: AgendaItem) -> Any:
        """Aggregate results for the live view and the exports."""
        return None
