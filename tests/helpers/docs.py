"""Reading command lines out of the Markdown docs, so tests can run them through the real CLI parser."""

from __future__ import annotations

import contextlib
import io
import re
import shlex

from workshop.cli_parser import build_parser

FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`(workshop [^`]+)`")
# The docs' placeholders, and what stands in for them where the parser checks a value's type.
PLACEHOLDERS = {"ID": "1", "N": "2"}


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` (a whole heading line such as ``### Hosted mode``) up to the next heading of
    the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = markdown.index(heading + "\n")
    rest = markdown[start + len(heading) + 1 :]
    ends = [m.start() for m in re.finditer(r"^(#+) ", rest, re.M) if len(m.group(1)) <= len(level)]
    return rest[: ends[0]] if ends else rest


def workshop_commands(markdown: str) -> list[str]:
    """Every ``workshop …`` command: whole lines in fenced blocks, and inline code spans in the prose (which
    may wrap across lines). A comment after ``#`` in a block is left out."""
    found = []
    blocks = FENCE.findall(markdown)
    for block in blocks:
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line.startswith("workshop "):
                found.append(line)
    prose = FENCE.sub("", markdown)
    found += [" ".join(span.split()) for span in INLINE.findall(prose)]
    return found


def parse_error(command: str) -> str | None:
    """Why the real ``workshop`` parser refuses ``command`` (a docs line), or None if it accepts it.

    A bare ``workshop COMMAND`` is prose naming a command: only the command's name is checked.
    """
    words = [PLACEHOLDERS.get(word, word) for word in shlex.split(command)][1:]
    parser = build_parser()
    if len(words) == 1 and not words[0].startswith("-"):
        commands = next(a for a in parser._actions if a.dest == "command").choices
        assert commands is not None
        return None if words[0] in commands else f"no command {words[0]!r}"
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            parser.parse_args(words)
    except SystemExit as exc:
        return err.getvalue().strip() or f"exit {exc.code}"
    return None
