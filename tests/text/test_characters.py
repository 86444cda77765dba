"""Every text is judged alike, whether its answer comes from the search or from the shortcut for
printable ASCII on one line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.text.characters import invisible_problem, refused_problem, unprintable_problem

ASCII = st.text(st.characters(max_codepoint=0x7F), max_size=40)
ANY = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(value=st.one_of(ASCII, ANY))
def test_the_shortcut_never_changes_the_answer(value: str):
    assert refused_problem(value) == (unprintable_problem(value) or invisible_problem(value))


def test_controls_and_invisible_characters_are_still_refused():
    assert refused_problem("tab\there") is None
    assert refused_problem("two\nlines") is None
    assert refused_problem("bell\x07") and "U+0007" in refused_problem("bell\x07")
    assert refused_problem("del\x7f") and "U+007F" in refused_problem("del\x7f")
    assert refused_problem("zero\u200bwidth") and "U+200B" in refused_problem("zero\u200bwidth")
