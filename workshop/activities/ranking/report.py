"""The ranking item in the outcome pack: the result in words, how points are counted (said once, plainly,
the methods' names only in a "Method:" details line), the table of places with how often each priority was
ranked 1st, 2nd, …, the head-to-head order, and what the room agreed.

Numbers stay numbers (place and counts as whole numbers, points as a number that may be a half); a tie is
said in its own "Tied" column, as the dot vote's table does, so the place column stays a number. An option
approved after some people had ranked is marked beside its name, and the rule for its points said under the
table.
"""

from __future__ import annotations

from workshop.activities import principles
from workshop.activities.ranking.results import (
    HEAD_TO_HEAD_DETAIL,
    LATE_MARK,
    METHOD_DETAIL,
    PLAIN_LATE,
    RankingSummary,
)
from workshop.blocks import Block, Bullets, Cell, Heading, Paragraph, Table
from workshop.ranking import BordaRule
from workshop.wording import ordinal, people, plural

# How many head-to-head places the pack names before "…" (the live view shows as many).
HEAD_TO_HEAD_SHOWN = 3


def points_rule(rule: BordaRule, options: int) -> str:
    """How the points were counted, in one plain sentence, for ``options`` options (no method's name)."""
    top = max(options - 1, 0)
    base = (
        f"Points by position: with {options} options, 1st gets {plural(top, 'point')}, "
        f"2nd {max(top - 1, 0)}, and so on down"
    )
    if rule is BordaRule.SHARED:
        return base + "; options someone left unranked share what is left."
    if rule is BordaRule.ZERO:
        return base + "; options someone left unranked get nothing."
    return (
        "Points by position: someone who ranked k options gives k points to their 1st, k − 1 to their 2nd, "
        "and so on; options they left unranked get nothing."
    )


def _tagged(summary: RankingSummary) -> bool:
    """Whether any option names a Family Hubs principle: only then does the pack speak of them."""
    return any(r.principle for r in summary.results)


def _places(summary: RankingSummary) -> Table:
    depth = max((len(r.positions) for r in summary.results), default=0)
    tagged = _tagged(summary)
    rows: list[tuple[Cell, ...]] = [
        (
            r.place,
            "tied" if r.tied else "",
            f"{r.text} ({LATE_MARK})" if r.missed else r.text,
            *((principles.NAMES.get(r.principle, ""),) if tagged else ()),
            r.score,
            *(r.positions[i] if i < len(r.positions) else 0 for i in range(depth)),
        )
        for r in summary.results
    ]
    ranked = ", ".join(ordinal(i + 1) for i in range(depth))
    caption = "Each priority's place by points (tied: the same points as another), its points" + (
        f", and how many people ranked it {ranked}." if depth else "."
    )
    headers = (
        "Place",
        "Tied",
        "Priority",
        *(("Family Hubs principle",) if tagged else ()),
        "Points",
        *(f"Ranked {ordinal(i + 1)}" for i in range(depth)),
    )
    return Table(headers, tuple(rows), caption=caption)


def _head_to_head(summary: RankingSummary) -> list[Block]:
    tiers = summary.schulze
    order = " > ".join(" = ".join(tier) for tier in tiers[:HEAD_TO_HEAD_SHOWN])
    more = " > …" if len(tiers) > HEAD_TO_HEAD_SHOWN else ""
    blocks: list[Block] = [
        Paragraph(f"Head to head: {order}{more}"),
        Paragraph(
            "Every pair of priorities compared directly, ballot by ballot: “>” means "
            "the one before beats the one after, “=” that they tie."
        ),
    ]
    by_points = {r.text for r in summary.results if r.place == 1}
    if tiers:
        same = set(tiers[0]) == by_points
        blocks.append(
            Paragraph(
                "The head-to-head winner is the same as the points winner."
                if same
                else "The head-to-head winner differs from the points winner: worth a word in the room."
            )
        )
    if summary.schulze_note:
        blocks.append(Paragraph(summary.schulze_note))
    blocks.append(Paragraph(f"{HEAD_TO_HEAD_DETAIL}."))
    return blocks


def _late(summary: RankingSummary) -> list[Block]:
    """The rule for options approved after some people had ranked, where their points are shown."""
    if not any(r.missed for r in summary.results):
        return []
    return [Paragraph(f"Marked “{LATE_MARK}”: approved after some people had ranked. {PLAIN_LATE}")]


def _principle_counts(summary: RankingSummary) -> list[Block]:
    """How many options serve each Family Hubs principle, and which has none, when any option names one."""
    if not _tagged(summary):
        return []
    tally = principles.counts(r.principle for r in summary.results)
    return principles.report(tally, "option", len(summary.results) - sum(tally.values()))


def ranking_report(summary: RankingSummary) -> list[Block]:
    """The result, the points rule, the places, the head-to-head order and the agreed priorities."""
    blocks: list[Block] = [
        Paragraph(f"{summary.headline} ({people(summary.responses)} ranked).", strong=True)
    ]
    if summary.results:
        blocks += [
            Paragraph(points_rule(summary.tally.rule, len(summary.tally.options))),
            _places(summary),
            *_late(summary),
            *_principle_counts(summary),
            Paragraph(f"{METHOD_DETAIL}."),
        ]
    if summary.responses:
        blocks += _head_to_head(summary)
    if summary.agreed:
        blocks += [
            Heading("Agreed priorities", level=4),
            Paragraph("What the room agreed after discussion, in the agreed order."),
            Bullets(tuple(text for _, text in summary.agreed), numbered=True),
        ]
    return blocks
