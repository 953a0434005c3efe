"""Modal screens a widget pushes (confirm, value, options, prompt, predict).

Below ``tutor.ui.widgets`` in the import graph: a widget may push one of these, a modal never imports a
widget (see the import-linter contracts in ``pyproject.toml``).
"""
