"""Reusable Textual widgets for workshop's screens."""

from screens.widgets.qr import QRCode

__all__ = ["QRCode"]
