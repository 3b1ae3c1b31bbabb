"""Random codes and tokens: short ones people read aloud or type, long ones that are secrets."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: codes are read off a projector and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def short_code(length: int = 6) -> str:
    """A short code such as ``K7QX3M``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def secret_token() -> str:
    """An unguessable token for a cookie or a facilitator link."""
    return secrets.token_urlsafe(24)


def normalise_code(text: str) -> str:
    """A typed code as stored: upper case, without the spaces or dashes people add."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]
