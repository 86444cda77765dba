"""Which items state a claim that must not stand unanswered, and what answers it.

A fact whose every cited source is government or pro-government (or that
says `claim: true`) states the government's case. A briefing may show it
only together with a response that rebuts it (`rebuts:` in responses.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.kb import model

Claimable = model.Fact | model.Case | model.Recommendation | model.Response


def states_claim(item: Claimable, sources: Mapping[str, model.Source]) -> bool:
    """Whether `item` needs a rebuttal beside it; responses are answers, never claims."""
    if isinstance(item, model.Response):
        return False
    if isinstance(item, model.Fact) and item.claim is not None:
        return item.claim
    return all(sources[citation.source].stance in model.PARTISAN_STANCES for citation in item.sources)


def rebuttals(responses: Mapping[str, model.Response]) -> dict[str, list[model.Response]]:
    """For each item id, the responses that rebut it, in id order."""
    answers: dict[str, list[model.Response]] = {}
    for response in sorted(responses.values(), key=lambda response: response.id):
        for item_id in response.rebuts:
            answers.setdefault(item_id, []).append(response)
    return answers
