"""The command line: ``iterate-tui COMMAND`` for scripts and quick changes.

``main.run`` parses the arguments, opens the project (or not, for the recovery commands)
and dispatches; each area of commands has its own module. Nothing here imports Textual:
the app is imported only when ``iterate-tui`` is run without a command.
"""
