"""The first sentence of a fact is its evidence line: whole, and never cut inside a quotation."""

import pytest

from generator.text.sentences import first_sentence


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("The centre reported it. It added more.", "The centre reported it."),
        (
            "Courts sentenced him in c. 2015 to five years. He appealed.",
            "Courts sentenced him in c. 2015 to five years.",
        ),
        (
            "She said: \u201cThey label us extremists. Just for doing union work.\u201d The court agreed.",
            "She said: \u201cThey label us extremists. Just for doing union work.\u201d",
        ),
        ("A single sentence with no full stop", "A single sentence with no full stop"),
    ],
    ids=["two sentences", "an abbreviation", "a quotation over two sentences", "no full stop"],
)
def test_first_sentence(text, first):
    assert first_sentence(text) == first
