"""``settings``: show the project settings, or change some with ``--set key=value``.

What each setting is, accepts and means comes from the domain's one table
(``domain.settings.SETTING_SPECS``), which the settings screen reads too. Every assignment
is validated (naming the key) and the whole set checked together before one write, so a
bad value changes nothing. Showing the settings only reads: a missing project is reported,
not created.
"""

from __future__ import annotations

from argparse import Namespace

from ..domain.errors import ValidationError
from ..domain.settings import SETTING_SPECS, ProjectSettings, apply_settings
from .context import Context
from .output import clean, dumps, out


def changed(current: ProjectSettings, assignments: list[str]) -> ProjectSettings:
    """The settings with every ``key=value`` applied, all validated, or ValidationError."""
    raw: dict[str, str] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep:
            raise ValidationError("settings", f"{assignment!r} is not key=value")
        raw[key] = value
    return apply_settings(current, raw)


def settings(args: Namespace, ctx: Context) -> int:
    if args.assignments:
        with ctx.change() as session:
            new = changed(session.settings, args.assignments)
            keys = ", ".join(dict.fromkeys(a.partition("=")[0].strip() for a in args.assignments))
            session.update_settings(new, f"set {keys}")
    repository = ctx.repository
    current = repository.settings()
    if args.json:  # every key, the empty ones as null
        out(dumps({spec.key: spec.to_stored(getattr(current, spec.key)) for spec in SETTING_SPECS}))
        return 0
    width = max(len(spec.key) for spec in SETTING_SPECS)
    for spec in SETTING_SPECS:
        value = clean(spec.show(getattr(current, spec.key)))
        out(f"{spec.key:<{width}}  {value:<20}  {spec.help} ({spec.range_text})".rstrip())
    out(f"change one with: iterate-tui settings --set KEY=VALUE   ({clean(ctx.db)})")
    return 0
