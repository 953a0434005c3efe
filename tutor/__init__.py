"""Session Tutor: learn how web sessions work by running them."""

__version__ = "0.1.0"
