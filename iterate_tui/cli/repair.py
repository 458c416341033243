"""``backups``, ``restore`` and ``salvage``: the way out when the project file is damaged.

None of them opens the project (which refuses an unreadable file): they work on the file
and its ``backups/`` folder directly, through ``store.backups`` and ``store.recovery``.
"""

from __future__ import annotations

from argparse import Namespace

from ..domain.errors import ValidationError
from ..store.backups import backup_folder, list_backups, resolve_backup
from ..store.recovery import restore as restore_backup
from ..store.recovery import salvage as salvage_file
from .context import Context
from .output import clean, out, size, table


def backups(args: Namespace, ctx: Context) -> int:
    found = list_backups(ctx.db)
    if not found:
        out(
            f"no backups of {clean(ctx.db)} yet (one is taken each time the app opens it, "
            "and before an upgrade, an import or a restore)"
        )
        return 0
    out(f"backups of {clean(ctx.db)}, in {clean(backup_folder(ctx.db))}, newest first:")
    rows = [
        [
            str(number),
            b.taken_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            clean(b.reason),
            size(b.size),
            clean(b.path.name),
        ]
        for number, b in enumerate(found, 1)
    ]
    headers = ("#", "taken", "why", "size", "file")
    for line in table(headers, rows, (True, False, False, True, False)):
        out(f"  {line}")
    out("restore one with: iterate-tui restore NUMBER")
    return 0


def restore(args: Namespace, ctx: Context) -> int:
    try:
        backup = resolve_backup(ctx.db, args.backup)
    except FileNotFoundError as exc:
        raise ValidationError("backup", f"{exc} (see 'iterate-tui backups')") from None
    aside = restore_backup(ctx.db, backup)
    out(f"restored {clean(ctx.db)} from {clean(backup)}")
    if aside is not None:
        out(f"the previous file was moved to {clean(aside)}")
    else:
        out("(there was no project file before)")
    return 0


def salvage(args: Namespace, ctx: Context) -> int:
    report = salvage_file(ctx.db)
    out(f"salvaged {clean(ctx.db)}")
    out(f"  the original file was copied to {clean(report.aside)}")
    out(f"  experiments found: {report.experiments_found}, kept: {report.experiments_kept}")
    out(f"  project settings: {'kept' if report.settings_kept else 'lost, defaults used'}")
    if report.problems:
        out("  problems:")
        for problem in report.problems:
            out(f"    - {clean(problem)}")
    else:
        out("  nothing was lost")
    return 0
