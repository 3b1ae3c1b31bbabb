"""The agenda screen's keys, in the order its footer, help and command palette list them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from screens.views import with_lent_keys

_OWN: list[BindingType] = [
    Binding("enter", "start", "Open", priority=True, tooltip="Open the highlighted item for answers"),
    Binding("n", "next", "Next", tooltip="Close the current item and open the next one"),
    Binding(
        "N", "previous", "Previous", show=False, tooltip="Close the current item and open the one before"
    ),
    Binding("c", "close", "Close", tooltip="Close the highlighted item: answers can no longer change"),
    Binding("v", "reveal", "Reveal", tooltip="Show or hide the highlighted item's results on phones"),
    Binding("s", "show_entries", "Proposals", tooltip="Show or hide participants' proposals to one another"),
    Binding("r", "reset", "Reset", tooltip="Delete every answer to the highlighted item (asks first)"),
    Binding("e", "edit", "Edit", show=False, tooltip="Change the highlighted item's title, minutes or notes"),
    Binding("shift+up", "move(-1)", "Move up", show=False, tooltip="Move the highlighted item up the agenda"),
    Binding("shift+down", "move(1)", "Move down", show=False, tooltip="Move the highlighted item down"),
    Binding("plus", "add", "Add item", show=False, tooltip="Add an agenda item after the highlighted one"),
    Binding("i", "toggle_notes", "Notes", show=False, tooltip="Show or hide the item's facilitator notes"),
    Binding("j", "toggle_join", "Join", show=False, tooltip="Show or hide the QR code and join code"),
    Binding("p", "projector", "Projector", tooltip="The join code big, and revealed results, for the room"),
    Binding(
        "o",
        "export",
        "Outcomes",
        show=False,
        tooltip="Write the outcome pack: choose Markdown, HTML, Word, Excel, CSV or JSON",
    ),
    Binding("w", "wifi", "Wi-Fi", show=False, tooltip="Set the venue Wi-Fi for a second QR code"),
    Binding("f", "remote", "Remote", show=False, tooltip="The facilitator remote and API token"),
    Binding(
        "escape",
        "home",
        "Home",
        tooltip="Out of a list to the agenda; from the agenda, to the list of workshops",
    ),
    Binding("q", "quit", "Quit", tooltip="Stop the participant server and quit"),
]
# The keys the live views lend for their kinds' own actions (a horizon, a breakdown), each in its place.
AGENDA_KEYS = with_lent_keys(_OWN)
