"""A format-neutral outcome document: headings, paragraphs, lists and tables of plain text.

Activity kinds describe their results in these blocks; each export format renders them, escaping the text
its own way, so participant text never has to be trusted by the code that wrote the block.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Heading:
    """A heading under the item's own (level 3 and below)."""

    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``strong`` for a headline result."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Bullets:
    """A list, in order."""

    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table of text cells, every row as long as the headers."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"a row has {len(row)} cells for {len(self.headers)} headers")


Block = Heading | Paragraph | Bullets | Table


def block_dict(block: Block) -> dict[str, object]:
    """A block as plain data for JSON, with its type named."""
    return {"type": type(block).__name__.lower(), **asdict(block)}
