"""A package's cover note counts its files in the grammar of its language."""

import pytest

from generator.compose.cover import CoveredFile, compose_cover


def files(count: int) -> list[CoveredFile]:
    return [CoveredFile(f"copy-{number}.pdf", f"Recipient {number}", number, "0" * 64) for number in range(count)]


@pytest.mark.parametrize(
    ("language", "count", "opening"),
    [
        ("en-GB", 1, "1 file is attached, stamped for its recipient."),
        ("en-GB", 2, "2 files are attached, each stamped for its recipient."),
        ("en-US", 1, "1 file is attached"),
        ("fr", 1, "1 fichier est joint"),
        ("fr", 3, "3 fichiers sont joints"),
        ("ru", 5, "Приложено файлов: 5"),
    ],
)
def test_the_cover_note_counts_its_files_in_its_languages_grammar(language, count, opening):
    assert compose_cover("Kazakhstan", language, files(count)).intro.startswith(opening)
