"""``undo``: take back the last change, from the journal kept in the project file."""

from __future__ import annotations

from argparse import Namespace

from ..store.journal import BY_APP, BY_COMMAND, Entry
from .context import Context
from .output import clean, out, table, when

BY = {"app": BY_APP, "command": BY_COMMAND}
WHO = {BY_APP: "the app", BY_COMMAND: "a command"}


def _state(entry: Entry) -> str:
    if entry.undone_at is not None:
        return f"undone {when(entry.undone_at)}"
    if entry.refused_at is not None:
        return "changed since: cannot be undone"
    if not entry.undoable:
        return "too large to undo (restore the backup taken before it)"
    return "can be undone"


def undo(args: Namespace, ctx: Context) -> int:
    by = BY.get(args.by) if args.by else None
    if args.list_count is not None:
        entries = ctx.repository.journal(max(0, args.list_count))
        if not entries:
            out("no changes recorded yet")
            return 0
        rows = [
            [str(e.id), when(e.at), WHO.get(e.by, clean(e.by)), clean(e.description), _state(e)]
            for e in entries
        ]
        for line in table(("#", "when", "by", "change", "state"), rows, (True, *[False] * 4)):
            out(line)
        return 0
    with ctx.change() as session:
        undone = session.undo(by=by)
    entry = undone.entry
    out(
        f"undone: {clean(entry.description)} "
        f"(made by {WHO.get(entry.by, clean(entry.by))}, {when(entry.at)})"
    )
    return 0
