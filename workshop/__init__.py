"""workshop: run live partnership workshops from a terminal; participants vote from their phones."""

__version__ = "0.1.0"
