"""Exports: a workshop's outcome pack as documents and data.

``blocks`` is the format-neutral document activity kinds describe their results in; ``pack`` gathers a
workshop's pack; one module per format renders it; ``files`` writes the files. Nothing is imported here,
so activity kinds can use the blocks without loading the rest.
"""
