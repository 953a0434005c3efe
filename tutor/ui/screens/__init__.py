"""Screens of the Session Tutor app: the picker, the lesson screen (a tab per mode), help, dialogs."""
