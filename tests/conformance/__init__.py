"""Conformance: the model held to references nobody here wrote (see docs/CONFORMANCE.md)."""
