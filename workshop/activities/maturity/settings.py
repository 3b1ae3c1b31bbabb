"""A maturity item's settings, and which horizons its phones ask about."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workshop.activities.maturity.matrix import MatrixStructure
from workshop.models import Horizon, row_id

HorizonMode = Literal["all", "one_at_a_time"]
ALL_HORIZONS: HorizonMode = "all"
ONE_AT_A_TIME: HorizonMode = "one_at_a_time"


class MaturitySettings(BaseModel):
    """How the phones ask: every horizon of a factor together, or only the horizon the item is on."""

    model_config = ConfigDict(extra="forbid")

    horizons: HorizonMode = Field(
        default=ALL_HORIZONS,
        description=(
            "'all': phones rate each factor now, in one year and in two years on one page. 'one_at_a_time': "
            "phones rate only the horizon the facilitator has the item on (h in the terminal)."
        ),
    )


def asked_horizons(
    structure: MatrixStructure, settings: MaturitySettings, focus_id: int | None
) -> tuple[Horizon, ...]:
    """The horizons phones rate: all of them, or (one at a time) the focused one, else the first.

    ``focus_id`` is the horizon id kept in ``MaturityFocus`` (None when the facilitator has not moved it).
    """
    if settings.horizons == ALL_HORIZONS:
        return structure.horizons
    chosen = [h for h in structure.horizons if row_id(h) == focus_id]
    return tuple(chosen or structure.horizons[:1])
