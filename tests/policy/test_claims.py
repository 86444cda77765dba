"""A claim resting only on government or pro-government sources never stands unanswered."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

from generator.api import load_knowledge_base
from generator.compose.briefing import compose
from generator.compose.fit import _trims
from generator.select.selection import select

DATE = datetime.date(2027, 2, 1)


def pro_government_op_ed(briefs: Path) -> None:
    """Make the op-ed behind the fact 'offshore-wealth' a pro-government source."""
    sources = briefs / "testland" / "sources.yaml"
    sources.write_text(sources.read_text().replace("  kind: op-ed\n", "  kind: op-ed\n  stance: pro-government\n"))


def rebut_offshore_wealth(briefs: Path) -> None:
    responses = briefs / "testland" / "responses.yaml"
    responses.write_text(
        responses.read_text().replace("  priority: medium\n", "  priority: medium\n  rebuts: [offshore-wealth]\n")
    )


def load(briefs: Path):
    return load_knowledge_base(briefs, today=datetime.date(2026, 11, 25)).kb


def selected_facts(selection) -> set[str]:
    return {fact.id for fact in selection.talking_points + selection.background}


def test_an_unanswered_claim_is_left_out(minimal_kb):
    before = select(load(minimal_kb), load(minimal_kb).audiences["uk"])
    pro_government_op_ed(minimal_kb)
    kb = load(minimal_kb)

    after = select(kb, kb.audiences["uk"])

    assert "offshore-wealth" in selected_facts(before)
    assert "offshore-wealth" not in selected_facts(after)


def test_a_claim_brings_its_rebuttal(minimal_kb):
    pro_government_op_ed(minimal_kb)
    rebut_offshore_wealth(minimal_kb)
    kb = load(minimal_kb)

    selection = select(kb, kb.audiences["uk"])

    assert "offshore-wealth" in selected_facts(selection)
    assert [response.id for response in selection.responses] == ["assembly-law"]


def test_fitting_the_pages_never_leaves_a_claim_without_its_rebuttal(minimal_kb):
    pro_government_op_ed(minimal_kb)
    rebut_offshore_wealth(minimal_kb)
    kb = load(minimal_kb)
    selection = select(kb, kb.audiences["uk"])
    assert "offshore-wealth" in selected_facts(selection)

    # "If raised" gives way first when the pages run over; the claim must go with its answer.
    trimmed = [trim for trim in _trims(selection) if "assembly-law" not in {r.id for r in trim.responses}]

    assert trimmed
    assert all("offshore-wealth" not in selected_facts(trim) for trim in trimmed)


def test_a_claim_is_dropped_where_its_rebuttal_cannot_be_shown(minimal_kb):
    pro_government_op_ed(minimal_kb)
    rebut_offshore_wealth(minimal_kb)
    kb = load(minimal_kb)

    # A leave-behind has no "if raised" section, so no room for the answer.
    selection = select(kb, kb.audiences["uk"], length="one-page")

    assert "offshore-wealth" not in selected_facts(selection)


def test_a_rebuttal_takes_the_place_of_the_lowest_ranked_response(minimal_kb):
    pro_government_op_ed(minimal_kb)
    responses = minimal_kb / "testland" / "responses.yaml"
    original = responses.read_text()
    # Four responses fill "if raised"; the one that rebuts the claim ranks lowest.
    fillers = "".join(
        original.replace("id: assembly-law", f"id: filler-{n}").replace("priority: medium", "priority: high")
        for n in range(4)
    )
    rebuttal = original.replace("id: assembly-law", "id: zz-rebuttal").replace(
        "priority: medium\n", "priority: low\n  rebuts: [offshore-wealth]\n"
    )
    responses.write_text(fillers + rebuttal)
    kb = load(minimal_kb)

    selection = select(kb, kb.audiences["uk"])

    assert "offshore-wealth" in selected_facts(selection)
    assert [response.id for response in selection.responses] == ["filler-0", "filler-1", "filler-2", "zz-rebuttal"]


def test_check_warns_about_each_claim_without_a_rebuttal(minimal_kb):
    pro_government_op_ed(minimal_kb)

    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "--briefs", str(minimal_kb)],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"},
    )

    facts = minimal_kb / "testland" / "facts.yaml"
    assert result.returncode == 0, result.stderr
    assert (
        f"{facts}:9: warning: fact 'offshore-wealth' rests only on government or pro-government sources and no "
        "response rebuts it, so no briefing shows it; list it in the rebuts of the response that answers it"
    ) in result.stderr.splitlines()


def test_the_sources_list_says_where_each_source_stands(minimal_kb):
    pro_government_op_ed(minimal_kb)
    rebut_offshore_wealth(minimal_kb)
    kb = load(minimal_kb)

    brief = compose(select(kb, kb.audiences["uk"]), date=DATE)

    assert {entry.reference.split(",")[0]: entry.stance for entry in brief.sources} == {
        "A. Writer": "Independent",
        "“Testland op-ed”": "Commentary supportive of the government",
    }


def test_an_item_only_for_other_audiences_is_never_selected(minimal_kb):
    uk = minimal_kb / "audiences" / "uk.yaml"
    (minimal_kb / "audiences" / "us.yaml").write_text(uk.read_text().replace("id: uk", "id: us"))
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.write_text(facts.read_text().replace("  audiences: [uk]\n", "  audiences: [uk]\n  only_for: [us]\n"))
    kb = load(minimal_kb)

    assert "offshore-wealth" not in selected_facts(select(kb, kb.audiences["uk"]))
    assert "offshore-wealth" in selected_facts(select(kb, kb.audiences["us"]))


def test_a_claim_is_background_never_a_line_to_take(minimal_kb):
    pro_government_op_ed(minimal_kb)
    rebut_offshore_wealth(minimal_kb)
    kb = load(minimal_kb)

    selection = select(kb, kb.audiences["uk"])

    assert [fact.id for fact in selection.talking_points] == ["protest-arrests"]
    assert [fact.id for fact in selection.background] == ["offshore-wealth"]


def test_a_fact_that_restates_a_lever_is_not_repeated(minimal_kb):
    before = select(load(minimal_kb), load(minimal_kb).audiences["uk"])
    uk = minimal_kb / "testland" / "levers" / "uk.yaml"
    uk.write_text(
        uk.read_text().replace(
            "      passage: targeted sanctions",
            "      passage: targeted sanctions\n    - source: report-2021\n      passage: 40 protesters",
        )
    )
    kb = load(minimal_kb)

    after = select(kb, kb.audiences["uk"])

    assert "protest-arrests" in selected_facts(before)
    assert "protest-arrests" not in selected_facts(after)
