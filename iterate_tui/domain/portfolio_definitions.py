"""The definitions of the portfolio figures, one line each, for the help of the command line
and of the screen.

Apart from ``portfolio`` (whose docstring says the same, kept alike by a test) so that the
argument parser, built for every command, can show them without importing the figures'
dataclasses (about 12 ms).
"""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Spent",
        "the actual cost of done experiments (the estimate where none was recorded) plus the "
        "actual cost recorded on skipped ones (0 where none was).",
    ),
    (
        "Committed",
        "the estimated cost of running experiments; planned = spent + committed; budget left "
        "= budget - planned (none without a budget).",
    ),
    (
        "Explore or exploit",
        "the experiment's own flag; unset, moonshots explore and every other quadrant exploits.",
    ),
    (
        "Exploration share",
        "explore cost / planned cost, and by count over done + running experiments (skipped "
        "ones count by cost only), against the phase's target (early 80%, middle 50%, late "
        "20%, deadline 0%); deviation in points = (share by cost - target) x 100.",
    ),
    (
        "Moonshot share",
        "the planned cost of moonshots / the total budget, against the allowance (20% by "
        "default); none without a budget.",
    ),
    (
        "Activity shares",
        "each activity's share of planned cost (and by count, as for exploration), under, in "
        "or over its reference range by cost; the ranges are of people's time, the shares of "
        "the budget unit.",
    ),
    (
        "Risk levels",
        "planned cost by the probability held at start (the current one where an experiment "
        "never started): safe from 70%, medium 40-70%, risky below 40%.",
    ),
    (
        "Compute tiers",
        "planned cost per tier; a tier-3 experiment (idea, backlog, running or done) with no "
        "done lower-tier experiment up its chain of follow-ups is flagged.",
    ),
    (
        "Runway",
        "budget left / burn rate, the burn rate being the spent cost of the experiments "
        "finished in the 14 days up to and including today, / 14; none while it is 0.",
    ),
    (
        "The 80/20 check",
        "done experiments with a value (their mean), in finishing order, each gain how far it "
        "moved the best-so-far in the goal's direction (0 if not), from the baseline (or, "
        "without one, from the first result); the share of the total gain from the top 20% of "
        "them, rounded up; none while the total is 0.",
    ),
    (
        "Suggested phase",
        "from the larger of the elapsed share of start..deadline and the share of the budget "
        "spent: early below 0.25, middle below 0.6, late below 0.9, deadline from 0.9 or once "
        "the deadline has passed.",
    ),
    (
        "Pull next",
        "the best-ranked backlog experiments on the under-weighted side (explore or exploit), "
        "of the activity furthest under its range, and moonshots while under the allowance; "
        "never one in Avoid, nor a moonshot while over the allowance.",
    ),
)
