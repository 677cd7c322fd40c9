"""The shape a draft must have, checked after the answer: every problem a sentence the model can act on.

The schema already fixes the speakers and the section names; this adds what a schema cannot say: the
seven sections once each and in order, each with about its share of the turns, no host speaking three
turns in a row, the total length within 15 % of the target, and at most eight tags.
"""

from __future__ import annotations

from .length import LENGTH_TOLERANCE, SPLIT, Budget, measure

MAX_TAGS = 8
MAX_RUN = 2
"""Turns in a row one host may speak."""


def shape_problems(draft: dict, budget: Budget) -> list[str]:
    """What is wrong with the draft's shape (a dict of the answer), as instructions; [] when nothing is."""
    script = draft.get("script") or []
    problems = _section_problems([s["section"] for s in script])
    wanted = budget.section_turns()
    for section in script:
        name, count = section["section"], len(section["turns"])
        low, high = turn_range(wanted.get(name, 1))
        if not low <= count <= high:
            problems.append(f"section {name} has {count} turns; give it {low} to {high}")
    problems += _runs(script)
    spoken = " ".join(turn["text"] for section in script for turn in section["turns"])
    size = measure(spoken, budget.language)
    if abs(size - budget.size) > LENGTH_TOLERANCE * budget.size:
        low, high = round(budget.size * (1 - LENGTH_TOLERANCE)), round(budget.size * (1 + LENGTH_TOLERANCE))
        problems.append(f"the dialogue is {size:,} {budget.rate.unit} long; it must be {low:,} to {high:,} "
                        f"{budget.rate.unit} (about {budget.minutes:g} minutes)")
    if len(draft.get("tags") or []) > MAX_TAGS:
        problems.append(f"there are {len(draft['tags'])} tags; give at most {MAX_TAGS}")
    return problems


def turn_range(wanted: int) -> tuple[int, int]:
    slack = max(2, round(wanted * 0.4))
    return max(1, wanted - slack), wanted + slack


def _section_problems(names: list[str]) -> list[str]:
    problems = [f"section {name} is given {names.count(name)} times; give it once"
                for name in SPLIT if names.count(name) > 1]
    missing = [name for name in SPLIT if name not in names]
    if missing:
        problems.append(f"the script has no {', '.join(missing)} section; every one of the seven is required")
    present = [name for name in dict.fromkeys(names) if name in SPLIT]
    if present != [name for name in SPLIT if name in present]:
        problems.append(f"the sections are in the order {', '.join(present)}; give them in the order "
                        f"{', '.join(SPLIT)}")
    return problems


def _runs(script: list[dict]) -> list[str]:
    """Each place where one host speaks more than MAX_RUN turns in a row (across sections too)."""
    turns = [(section["section"], number, turn["speaker"]) for section in script
             for number, turn in enumerate(section["turns"], start=1)]
    problems, start = [], 0
    for index in range(1, len(turns) + 1):
        if index < len(turns) and turns[index][2] == turns[start][2]:
            continue
        if index - start > MAX_RUN:
            section, number, speaker = turns[start]
            problems.append(f"{speaker} speaks {index - start} turns in a row from {section} turn {number}; "
                            f"no host speaks more than {MAX_RUN} in a row: let the other react or ask")
        start = index
    return problems
