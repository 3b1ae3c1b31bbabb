"""A small element tree from the standard library's HTML parser, for checking an exported page's structure
(the phone pages' tests use a browser; an outcome pack is one file, read without one)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content, so never a closing tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    """An element: its tag, attributes, and children (nodes, or text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element inside it, in document order (only ``tag`` if given)."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def text(self) -> str:
        """All the text inside, as the parser gave it (entities decoded)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find(self, tag: str) -> Node | None:
        """The first element ``tag`` inside, or None."""
        return next((n for n in self.iter(tag) if n is not self), None)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(
            Node(tag, {name: value or "" for name, value in attrs}, parent=self.current)
        )

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.problems.append(f"</{tag}> closes <{self.current.tag}>")
            return
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    """The document's tree; every tag must be closed where it was opened."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert builder.problems == [], builder.problems[:5]
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root
