"""The Textual user interface of workshop: screens, widgets and styles."""
