"""The ranking kind: participants rank the options for the next two years; the room agrees priorities.

:mod:`.activity` is the kind (phone form, saving), :mod:`.results` counts the ballots (every method, bounded
costs) and holds the results as data, :mod:`.report` is its part of the outcome pack's documents. Only this
kind counts rankings (an import-linter contract).
"""

from workshop.activities.ranking.activity import Ballot, Proposal, RankingActivity, RankingSettings
from workshop.activities.ranking.results import RankingResults, RankingSummary

__all__ = ["Ballot", "Proposal", "RankingActivity", "RankingResults", "RankingSettings", "RankingSummary"]
