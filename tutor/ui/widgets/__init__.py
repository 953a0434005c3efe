"""Widgets of the Session Tutor app, each owning one thing."""
