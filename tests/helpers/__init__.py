"""Everything the tests share, in one place; fixtures stay in ``tests/conftest.py``.

- :mod:`tests.helpers.data`: seed a workshop (start or add items, join seats, save answers, matrix votes).
- :mod:`tests.helpers.tui`: drive the Textual app (wait for a condition, read the screen, wait until the app
  has caught up before checking that something did *not* happen).
- :mod:`tests.helpers.snapshots`: fixed codes and clock for snapshot tests, and run_before helpers.
- :mod:`tests.helpers.ranking`: the ranking item the ranking and moderation tests share.
- :mod:`tests.helpers.web`: the live server's handle, Chromium's location and flags, a phone page, the
  remote's form token.
- :mod:`tests.helpers.terminal`: the real ``workshop`` command in a pseudo-terminal.

Test modules import from here, never from one another (``tests/test_hygiene.py`` checks this).
"""
