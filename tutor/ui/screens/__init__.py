"""Screens of the Session Tutor app: the picker, the lesson screen (a mode strip over one view per mode), predict, review, help, dialogs."""
