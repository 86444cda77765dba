"""Withholding a person with thousands of aliases costs time in proportion, not squared.

One regular expression per name once made 3000 aliases take 24 s for one
PDF. Timings are compared, never asserted absolutely: 10 times the aliases
must cost well under 5 times the time of selection and composing.
"""

import datetime
import random
import string
import time
from pathlib import Path

import pytest

from generator.api import load_knowledge_base
from generator.compose.briefing import compose
from generator.select.selection import select

DATE = datetime.date(2027, 2, 1)
FACTS = 300
"""Enough text to fill a full briefing several times over, as a real knowledge base would."""


def made_up_name(chooser: random.Random) -> str:
    return " ".join("".join(chooser.choice(string.ascii_lowercase) for _ in range(8)).title() for _ in range(2))


def knowledge_base_with_aliases(briefs: Path, aliases: int):
    kb = load_knowledge_base(briefs, today=datetime.date(2026, 11, 25)).kb
    chooser = random.Random(aliases)
    template = kb.facts["protest-arrests"]
    prose = (
        "Police detained protesters in the capital after a march against rising prices, and courts "
        "sentenced several organisers to restricted freedom for calling people to the square. "
    )
    kb.facts = {
        f"fact-{index}": template.model_copy(update={"id": f"fact-{index}", "text": prose * 2})
        for index in range(FACTS)
    }
    doe = kb.cases["doe"]
    kb.cases = {
        "doe": doe.model_copy(update={"may_name": False, "aliases": [made_up_name(chooser) for _ in range(aliases)]})
    }
    return kb


def seconds_to_select_and_compose(kb, repeat: int = 3) -> float:
    """The best of a few runs: the least disturbed by whatever else the machine does."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        compose(select(kb, kb.audiences["uk"], kb.meetings["uk-visit"]), date=DATE)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.slow
def test_ten_times_the_aliases_cost_far_less_than_ten_times_the_time(minimal_kb: Path):
    few = knowledge_base_with_aliases(minimal_kb, 300)
    many = knowledge_base_with_aliases(minimal_kb, 3000)
    seconds_to_select_and_compose(few, repeat=1)  # warm the caches and imports alike

    ratio = seconds_to_select_and_compose(many) / seconds_to_select_and_compose(few)

    assert ratio < 5, ratio


def test_every_alias_is_looked_for(minimal_kb: Path):
    kb = knowledge_base_with_aliases(minimal_kb, 3000)
    last_alias = kb.cases["doe"].aliases[-1]
    kb.facts["fact-0"] = kb.facts["fact-0"].model_copy(update={"text": f"{last_alias} was detained."})

    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])

    assert "fact-0" not in [fact.id for fact in selection.talking_points + selection.background]
    assert len(selection.talking_points) > 0
