"""A person withheld under thousands of aliases is looked for under every one of them.

What the aliases cost (one regular expression per name once made 3000 of them
take 24 s for one PDF) is measured side by side in `benchmarks/run.py --only scale`.
"""

import datetime
import random
import string
from pathlib import Path

from generator.api import load_knowledge_base
from generator.select.selection import select

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


def test_every_alias_is_looked_for(minimal_kb: Path):
    kb = knowledge_base_with_aliases(minimal_kb, 3000)
    last_alias = kb.cases["doe"].aliases[-1]
    kb.facts["fact-0"] = kb.facts["fact-0"].model_copy(update={"text": f"{last_alias} was detained."})

    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])

    assert "fact-0" not in [fact.id for fact in selection.talking_points + selection.background]
    assert len(selection.talking_points) > 0
