"""The maturity matrix kind: the phone form and results, the outcome pack, breakdowns and agreed levels.

Everything only this kind needs lives here: :mod:`.matrix` (the matrix and its results), :mod:`.activity`
(the kind), :mod:`.steps` (its phone form, one factor a page), :mod:`.settings` (which horizons phones
rate), :mod:`.report` (its part of the outcome pack), :mod:`.breakdown` (results by group, small groups
suppressed) and :mod:`.agreed` (the levels the room agreed).
"""

from workshop.activities.maturity.activity import COMMENT_LIMIT, DONT_KNOW, MaturityActivity
from workshop.activities.maturity.matrix import (
    FactorSummary,
    MatrixAnswers,
    MatrixStructure,
    MatrixSummary,
    load_structure,
)

__all__ = [
    "COMMENT_LIMIT",
    "DONT_KNOW",
    "FactorSummary",
    "MatrixAnswers",
    "MatrixStructure",
    "MatrixSummary",
    "MaturityActivity",
    "load_structure",
]
