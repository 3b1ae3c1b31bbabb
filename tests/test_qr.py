"""Tests for QR encoding, its half-block drawing in the QRCode widget, and Wi-Fi payloads."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import pytest
from rich.color import Color
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from screens.widgets import QRCode
from workshop.qr import half_block_rows, qr_matrix, qr_text_size, wifi_payload

JOIN_URL = "http://192.168.1.23:8000/j/ABCD23"
DARK, LIGHT = "#000000", "#ffffff"


def _hex(colour: Color | None) -> str | None:
    return None if colour is None else colour.get_truecolor().hex


def _decode_cells(lines: Iterable[Iterable[Segment]]) -> list[list[bool]]:
    """Rebuild the module matrix from drawn cells, the way a scanner would see the colours."""
    matrix: list[list[bool]] = []
    for line in lines:
        top_row: list[bool] = []
        bottom_row: list[bool] = []
        for segment in line:
            style = segment.style or Style()
            for char in segment.text:
                background = _hex(style.bgcolor)
                assert background in (DARK, LIGHT), f"cell without an explicit background: {style}"
                if char == " ":
                    top = bottom = background == DARK
                else:
                    assert char == "▀"
                    assert _hex(style.color) in (DARK, LIGHT)
                    top, bottom = _hex(style.color) == DARK, background == DARK
                    assert top != bottom, "a half block should only draw two different modules"
                top_row.append(top)
                bottom_row.append(bottom)
        matrix += [top_row, bottom_row]
    return matrix


def _rendered_lines(text: Text) -> list[list[Segment]]:
    console = Console(width=200, color_system="truecolor", force_terminal=True, legacy_windows=False)
    return list(Segment.split_lines(console.render(text)))


def _is_finder(matrix: list[list[bool]], top: int, left: int) -> bool:
    for y in range(7):
        for x in range(7):
            ring = min(y, x, 6 - y, 6 - x)
            # The outer ring and the 3×3 core are dark, the ring between them is light.
            if matrix[top + y][left + x] != (ring != 1):
                return False
    return True


@pytest.mark.parametrize("text", [JOIN_URL, "x", "https://example.org/" + "a" * 120])
def test_widget_rendering_decodes_back_to_the_matrix(text: str) -> None:
    matrix = qr_matrix(text)
    decoded = _decode_cells(_rendered_lines(QRCode(text).render()))
    # An odd side leaves one padding row under the code: it must be light.
    if len(decoded) > len(matrix):
        assert decoded.pop() == [False] * len(matrix)
    assert decoded == matrix


def test_join_url_fits_the_terminal_budget() -> None:
    matrix = qr_matrix(JOIN_URL, border=2)
    columns, rows = qr_text_size(JOIN_URL, border=2)
    assert len(matrix) == columns <= 33
    assert all(len(row) == columns for row in matrix)
    assert rows <= 17
    assert rows == len(half_block_rows(matrix))


def test_quiet_zone_and_finder_patterns() -> None:
    border = 2
    matrix = qr_matrix(JOIN_URL, border=border)
    side = len(matrix)
    for index in range(border):
        assert not any(matrix[index]) and not any(matrix[side - 1 - index])
        assert not any(row[index] or row[side - 1 - index] for row in matrix)
    far = side - border - 7
    assert _is_finder(matrix, border, border)
    assert _is_finder(matrix, border, far)
    assert _is_finder(matrix, far, border)


@pytest.mark.parametrize("border", [0, 2, 4])
def test_border_widens_the_code_by_two_borders(border: int) -> None:
    assert len(qr_matrix(JOIN_URL, border=border)) == len(qr_matrix(JOIN_URL, border=0)) + 2 * border
    assert _is_finder(qr_matrix(JOIN_URL, border=border), border, border)


def test_negative_border_is_refused() -> None:
    with pytest.raises(ValueError):
        qr_matrix(JOIN_URL, border=-1)


def test_longer_text_needs_a_larger_version() -> None:
    sides = [len(qr_matrix("h" * length, border=0)) for length in (10, 60, 200, 600)]
    assert sides == sorted(sides) and len(set(sides)) == len(sides)
    # Version v is 17 + 4v modules wide.
    assert all((side - 17) % 4 == 0 for side in sides)
    assert sides[0] == 21


def test_matrix_is_a_fresh_copy() -> None:
    first = qr_matrix(JOIN_URL)
    first[0][0] = True
    assert qr_matrix(JOIN_URL)[0][0] is False


def test_half_block_rows_pads_an_odd_last_row_with_light() -> None:
    matrix = [[True, False], [False, True], [True, True]]
    assert half_block_rows(matrix) == [[(True, False), (False, True)], [(True, False), (True, False)]]
    assert half_block_rows([]) == []


def test_core_module_does_not_pull_in_the_ui() -> None:
    code = "import sys, workshop.qr; print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


class _QRApp(App[None]):
    def __init__(self, data: str) -> None:
        super().__init__()
        self._data = data

    def compose(self) -> ComposeResult:
        yield QRCode(self._data, id="qr")


@pytest.mark.tui
async def test_widget_is_exactly_the_size_of_the_code() -> None:
    app = _QRApp(JOIN_URL)
    async with app.run_test(size=(80, 24)) as pilot:
        widget = app.query_one(QRCode)
        assert tuple(widget.region.size) == qr_text_size(JOIN_URL)
        # What Textual actually paints must still decode to the code.
        lines = [list(widget.render_line(y)) for y in range(widget.region.height)]
        decoded = _decode_cells(lines)
        assert decoded[: len(qr_matrix(JOIN_URL))] == qr_matrix(JOIN_URL)

        longer = JOIN_URL + "?" + "x" * 80
        widget.data = longer
        await pilot.pause()
        assert tuple(widget.region.size) == qr_text_size(longer)
        assert qr_text_size(longer) != qr_text_size(JOIN_URL)

        widget.data = ""
        await pilot.pause()
        assert tuple(widget.region.size) == (0, 0)


@pytest.mark.tui
async def test_empty_widget_takes_no_room() -> None:
    app = _QRApp("")
    async with app.run_test(size=(80, 24)):
        widget = app.query_one(QRCode)
        assert tuple(widget.region.size) == (0, 0)
        assert widget.render().plain == ""


@pytest.mark.parametrize(
    ("ssid", "password", "kwargs", "expected"),
    [
        ("Workshop", "secret", {}, "WIFI:T:WPA;S:Workshop;P:secret;;"),
        ("My;Net", 'p\\"a:ss,', {}, 'WIFI:T:WPA;S:My\\;Net;P:p\\\\\\"a\\:ss\\,;;'),
        ("a,b:c", None, {}, "WIFI:T:nopass;S:a\\,b\\:c;;"),
        ("Open", "", {}, "WIFI:T:nopass;S:Open;;"),
        ("Hidden", "pw", {"hidden": True}, "WIFI:T:WPA;S:Hidden;P:pw;H:true;;"),
        ("Open", None, {"hidden": True}, "WIFI:T:nopass;S:Open;H:true;;"),
        ("Old", "key", {"security": "WEP"}, "WIFI:T:WEP;S:Old;P:key;;"),
    ],
)
def test_wifi_payload(ssid: str, password: str | None, kwargs: dict[str, Any], expected: str) -> None:
    assert wifi_payload(ssid, password, **kwargs) == expected


def test_wifi_payload_escapes_every_special_character_once() -> None:
    payload = wifi_payload('\\;,:"', "x")
    assert payload == 'WIFI:T:WPA;S:\\\\\\;\\,\\:\\";P:x;;'
    # The escaped payload is still a valid QR input.
    assert len(qr_matrix(payload)) >= 21
