"""The session engine: a deterministic, pure-Python model of the web session lifecycle.

No Textual or Rich import is allowed anywhere below this package (tests/test_layers.py proves it).
"""
