"""Turns text into QR code modules and half-block rows, and builds Wi-Fi join payloads; no UI imports."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_L

__all__ = ["half_block_rows", "qr_matrix", "qr_text_size", "wifi_payload"]

# Characters the Wi-Fi QR format (ZXing's "WIFI:" scheme) gives a meaning to inside a field value.
_WIFI_SPECIAL = '\\;,:"'


@lru_cache(maxsize=64)
def _matrix(text: str, border: int) -> tuple[tuple[bool, ...], ...]:
    """Encode ``text`` once per (text, border); widgets ask for it on every layout and repaint.

    Args:
        text: The data to encode.
        border: Width of the light quiet zone, in modules.

    Returns:
        The module rows as immutable tuples so the cached value cannot be changed by a caller.
    """
    code = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_L, border=border)
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


def qr_matrix(text: str, border: int = 2) -> list[list[bool]]:
    """Encode ``text`` as a QR code in the smallest version that fits, with error correction L.

    Error correction L keeps the code small enough for a terminal; a screen does not get dirty or torn,
    which is what the higher levels guard against.

    Args:
        text: The data to encode, usually a URL.
        border: Width of the light quiet zone around the code, in modules. The standard asks for 4;
            2 is enough for scanners when the surrounding terminal is not busy.

    Returns:
        A square matrix of rows, ``True`` for a dark module, quiet zone included.

    Raises:
        ValueError: If ``border`` is negative.
    """
    if border < 0:
        raise ValueError(f"border must be 0 or more, not {border}")
    return [list(row) for row in _matrix(text, border)]


def half_block_rows(matrix: Sequence[Sequence[bool]]) -> list[list[tuple[bool, bool]]]:
    """Pair the matrix rows two by two, so one terminal cell can show two modules stacked.

    Args:
        matrix: Module rows as returned by :func:`qr_matrix`.

    Returns:
        One list per terminal row of ``(top, bottom)`` pairs, one pair per column. An odd last row is
        paired with a light row, which reads as more quiet zone.
    """
    rows: list[list[tuple[bool, bool]]] = []
    for y in range(0, len(matrix), 2):
        top = matrix[y]
        bottom = matrix[y + 1] if y + 1 < len(matrix) else [False] * len(top)
        rows.append(list(zip(top, bottom, strict=True)))
    return rows


def qr_text_size(text: str, border: int = 2) -> tuple[int, int]:
    """Size of the half-block rendering of ``text``'s QR code.

    Args:
        text: The data to encode.
        border: Width of the quiet zone, in modules.

    Returns:
        ``(columns, rows)`` in terminal cells.
    """
    side = len(qr_matrix(text, border))
    return side, (side + 1) // 2


def _wifi_escape(value: str) -> str:
    """Backslash-escape the characters that would otherwise end or split a Wi-Fi payload field."""
    return "".join("\\" + char if char in _WIFI_SPECIAL else char for char in value)


def wifi_payload(ssid: str, password: str | None, security: str = "WPA", hidden: bool = False) -> str:
    """Build the text of a "join this Wi-Fi network" QR code that phone cameras understand.

    Args:
        ssid: The network name.
        password: The network key; ``None`` or empty for an open network.
        security: The authentication type, ``"WPA"`` (also right for WPA2/WPA3) or ``"WEP"``.
            Ignored for an open network.
        hidden: Whether the network does not broadcast its name.

    Returns:
        A payload such as ``WIFI:T:WPA;S:My\\;Net;P:secret;;``.
    """
    fields: list[str] = []
    if password:
        fields += [f"T:{security}", f"S:{_wifi_escape(ssid)}", f"P:{_wifi_escape(password)}"]
    else:
        fields += ["T:nopass", f"S:{_wifi_escape(ssid)}"]
    if hidden:
        fields.append("H:true")
    return "WIFI:" + "".join(field + ";" for field in fields) + ";"
