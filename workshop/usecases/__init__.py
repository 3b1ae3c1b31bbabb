"""Use cases: what the TUI, the web layer and the command line do that takes storage and the kinds together.

The layers point down only: this package calls :mod:`workshop.activities` and :mod:`workshop.store`; the
kinds call the store; the store calls neither (see docs/architecture.md).
"""

from workshop.usecases.control import ItemAction, apply_item_action
from workshop.usecases.items import add_item, addable_kinds, reset_item
from workshop.usecases.responses import save_response
from workshop.usecases.workshops import create_follow_up, create_workshop, delete_workshop

__all__ = [
    "ItemAction",
    "add_item",
    "addable_kinds",
    "apply_item_action",
    "create_follow_up",
    "create_workshop",
    "delete_workshop",
    "reset_item",
    "save_response",
]
