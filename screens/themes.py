"""Themes for the facilitator's screens: a high-contrast one for projectors and washed-out venue screens."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

__all__ = ["PROJECTOR_THEME", "contrast_ratio", "register_themes"]

# Pure black and white with a yellow accent: every pair used for text is at least 7:1 (WCAG AAA), which
# survives a dim projector in a bright room. Meaning still never rests on colour: marks and words carry it.
PROJECTOR_THEME = Theme(
    name="projector-contrast",
    primary="#ffff00",
    secondary="#ffffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff8080",
    success="#00ff66",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    text_alpha=1.0,
    luminosity_spread=0.0,
    variables={
        "text-muted": "#ffffff",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "footer-background": "#000000",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#ffff00",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#ffff00 40%",
        "border": "#ffffff",
        "border-blurred": "#ffffff",
        "scrollbar": "#ffffff",
        "scrollbar-background": "#000000",
    },
)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def register_themes(app: App[Any]) -> None:
    """Make the projector theme available (``app.theme = "projector-contrast"``, or the command palette)."""
    app.register_theme(PROJECTOR_THEME)
