"""Ranking and filtering of experiments, shared by the command line and the backlog.

A filter is typed as words, each either free text or ``key:value`` with key one of
status, quadrant, activity, tag, tier (for example ``status:idea tag:vision augment``).
Free words must all appear in the title, hypothesis or "does it matter?" answer; text in
double quotes is one of them, spaces and colons included (``"label noise" "lr:3e-4"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import fields
from .enums import OPEN_STATUSES, Activity, Quadrant, Status
from .errors import ValidationError
from .experiment import Experiment
from .matrix import quadrant
from .scoring import score_of
from .settings import ProjectSettings

RankKey = tuple[int, float, int]

#: The best-ranked open experiments the backlog shows while the rest are still being
#: built (more than any terminal has lines); the app's start-up reader ranks these too.
FIRST_ROWS = 300


def rank_key(exp: Experiment, settings: ProjectSettings) -> RankKey:
    """Sort key: estimated experiments by score (highest first), then the rest, by id."""
    return rank_key_of(exp.id, exp.impact, exp.probability, exp.info_value, exp.cost, settings)


def rank_key_of(
    exp_id: int,
    impact: int | None,
    probability: float | None,
    info_value: int,
    cost: float,
    settings: ProjectSettings,
) -> RankKey:
    """``rank_key`` from the raw values (the store ranks stored documents with it before
    building every experiment)."""
    if impact is None or probability is None:
        return (1, 0.0, exp_id)
    return (0, -score_of(impact, probability, info_value, cost, settings), exp_id)


def rank(experiments: Iterable[Experiment], settings: ProjectSettings) -> list[Experiment]:
    return sorted(experiments, key=lambda e: rank_key(e, settings))


FILTER_KEYS = ("status", "quadrant", "activity", "tag", "tier")
_EXAMPLES = {
    "status": "status:idea",
    "quadrant": "quadrant:quick_win",
    "activity": "activity:data_preparation",
    "tag": "tag:labels",
    "tier": "tier:1",
}

#: A phrase in double quotes (the closing one may be left off at the end), or a word.
_FILTER_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def _statuses(word: str) -> frozenset[Status]:
    """One status, or ``all`` (every status) or ``open`` (idea, backlog, running)."""
    name = word.strip().lower()
    if name == "all":
        return frozenset(Status)
    if name == "open":
        return OPEN_STATUSES
    return frozenset({fields.choice(Status, word, "status")})


@dataclass(frozen=True, slots=True)
class Filter:
    statuses: frozenset[Status] = frozenset()
    quadrants: frozenset[Quadrant] = frozenset()
    activities: frozenset[Activity] = frozenset()
    tags: frozenset[str] = frozenset()
    tiers: frozenset[int] = frozenset()
    words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.statuses
            or self.quadrants
            or self.activities
            or self.tags
            or self.tiers
            or self.words
        )

    @classmethod
    def parse(cls, query: str) -> Filter:
        """Read a filter typed by a person; an unknown key or value names itself."""
        statuses: set[Status] = set()
        quadrants: set[Quadrant] = set()
        activities: set[Activity] = set()
        tags: set[str] = set()
        tiers: set[int] = set()
        words: list[str] = []
        for match in _FILTER_TOKEN.finditer(query):
            phrase, token = match.groups()
            if phrase is not None:  # quoted: text to find, whatever it holds
                if phrase.strip():
                    words.append(phrase.strip().lower())
                continue
            key, sep, value = token.partition(":")
            key = key.lower()
            matches = [k for k in FILTER_KEYS if k.startswith(key)] if key else []
            if not sep or (not value and len(matches) != 1):
                words.append(token.lower())
                continue
            if not value:  # "status:" alone: half typed, or a value left out
                raise ValidationError(matches[0], f"give a value, like {_EXAMPLES[matches[0]]}")
            if len(matches) != 1:
                raise ValidationError(
                    "filter",
                    f"{key!r} is not one of: {', '.join(FILTER_KEYS)}; to find it as text, "
                    f'put it in double quotes: "{token}"',
                )
            for part in value.split(","):
                if matches[0] == "status":
                    statuses.update(_statuses(part))
                elif matches[0] == "quadrant":
                    quadrants.add(fields.choice(Quadrant, part, "quadrant"))
                elif matches[0] == "activity":
                    activities.add(fields.choice(Activity, part, "activity"))
                elif matches[0] == "tier":
                    tiers.add(fields.tier(part))
                else:
                    tags.update(fields.tags([part]))
        return cls(
            frozenset(statuses),
            frozenset(quadrants),
            frozenset(activities),
            frozenset(tags),
            frozenset(tiers),
            tuple(words),
        )

    def matches(self, exp: Experiment, settings: ProjectSettings) -> bool:
        if self.statuses and exp.status not in self.statuses:
            return False
        if self.activities and exp.activity not in self.activities:
            return False
        if self.tiers and exp.tier not in self.tiers:
            return False
        if self.tags and not self.tags.issubset(exp.tags):
            return False
        if self.quadrants and quadrant(exp, settings) not in self.quadrants:
            return False
        if self.words:
            haystack = f"{exp.title}\n{exp.hypothesis}\n{exp.matters}".lower()
            return all(word in haystack for word in self.words)
        return True
