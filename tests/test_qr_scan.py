"""The join QR code, as the terminal draws it at 80×24, is read back by a real decoder (zbar)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from screens.app import WorkshopApp
from tests.helpers.tui import agenda, next_until, wait_for
from tests.helpers.web import ARGS
from workshop.db import Database

CHROMIUM = shutil.which("chromium")
ZBARIMG = shutil.which("zbarimg")
# Pilot draws the screen; Chromium turns its screenshot into the picture a decoder reads.
pytestmark = [
    pytest.mark.tui,
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and ZBARIMG), reason="needs Debian's chromium and zbar-tools"),
]


def render_png(svg: Path, png: Path, size: tuple[int, int]) -> None:
    """Rasterise Textual's SVG screenshot the way a projector would show it."""
    assert CHROMIUM  # the module is skipped without it
    subprocess.run(
        [
            CHROMIUM,
            *ARGS,
            f"--user-data-dir={png.parent / 'chromium'}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}",
            svg.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def scan(svg: Path, folder: Path) -> str:
    """What a QR decoder reads off the rendered screen."""
    assert ZBARIMG  # the module is skipped without it
    png = folder / "screen.png"
    render_png(svg, png, (1000, 640))
    decoded = subprocess.run(
        [ZBARIMG, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return decoded.stdout.strip()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_terminal_qr_decodes_to_the_join_url(
    db: Database, workshop_id: int, tmp_path: Path, theme: str
) -> None:
    app = WorkshopApp(
        db, workshop_id, serve=True, host="127.0.0.1", port=0, public_url="http://192.168.1.23:8000"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await next_until(pilot, db, workshop_id, "maturity")
        await wait_for(pilot, lambda: app.screen.query_one("#join").display is True)
        await pilot.pause(0.2)
        svg = tmp_path / "screen.svg"
        svg.write_text(app.export_screenshot(), encoding="utf-8")
        expected = app.join_url
        await app.action_quit()
    decoded = await asyncio.to_thread(scan, svg, tmp_path)
    assert decoded == expected == f"http://192.168.1.23:8000/j/{app.join_code}"


async def test_long_public_url_and_wifi_codes_are_never_cropped(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    from screens.widgets.join_panel import WifiDetails
    from workshop.qr import wifi_payload

    public = "https://workshop.example.org/partnership"
    app = WorkshopApp(db, workshop_id, serve=True, host="127.0.0.1", port=0, public_url=public)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        app.wifi = WifiDetails("CityHall-Guest", "Welcome2024", False)
        agenda(app)._apply_wifi()
        await pilot.pause(0.2)
        svg = tmp_path / "screen.svg"
        svg.write_text(app.export_screenshot(), encoding="utf-8")
        expected = {app.join_url, wifi_payload("CityHall-Guest", "Welcome2024")}
        await app.action_quit()
    decoded = await asyncio.to_thread(scan_all, svg, tmp_path)
    assert decoded == expected


def scan_all(svg: Path, folder: Path) -> set[str]:
    """Every QR code a decoder reads off the rendered screen."""
    assert ZBARIMG  # the module is skipped without it
    png = folder / "all.png"
    render_png(svg, png, (1500, 900))
    out = subprocess.run(
        [ZBARIMG, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return {line for line in out.stdout.splitlines() if line}
