"""`check` points at a translation that quotes with the English “ ” where its language quotes «\u202fso\u202f»,
and at none that nests an English or low quotation inside the language's own marks."""

from pathlib import Path

import pytest

from generator import api
from generator.check.quotation import _english_outside
from generator.kb import translations
from tests.conftest import build_knowledge_base


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("le Parlement appelle le Kazakhstan à “end its broad violations”.", True),
        ("un « État à l’écoute » et “controlled democratisation”", True),
        ("il cite « the “listening state” of Tokayev » sans plus", False),
        ("Кого они назвали «врагами „народа“»?", False),
        ("„Так“, сказал он.", False),
        ("l’UE n’avait pas mis en œuvre de sanctions", False),
    ],
)
def test_english_marks_are_flagged_only_outside_the_language_s_own(text: str, flagged: bool):
    assert _english_outside(text, "«", "»") is flagged


def test_check_reports_an_english_quotation_at_its_po_line_and_in_its_summary(tmp_path: Path, cli):
    briefs = build_knowledge_base(tmp_path / "briefs")
    translations.update(api.load_knowledge_base(briefs).kb, "fr")
    po = briefs / "testland" / "translations" / "fr.po"
    catalog = translations._read_catalog(po)
    (first, second, *_) = [message for message in catalog if message.id and message.context.startswith("facts:")]
    first.string = "Le rapport parle de “detained protesters”."
    second.string = "Le rapport parle de «\u202fdetained protesters\u202f»."
    po.write_bytes(translations.as_bytes(catalog))
    line = translations.read_translations(po, "fr").entries[first.context].line

    result = cli("check", "--briefs", briefs, "--only", "quotes")

    assert result.exit_code == 0, result.output
    assert (
        f"{po}:{line}: warning: the translation of {first.context} quotes with the English “ ”, where fr quotes "
        "with « »; write «\u202f…\u202f» (keep “ ” only inside « »)"
    ) in result.output
    assert second.context not in result.output
    assert "1 translation quoting with English marks where its language has its own" in result.output


def test_the_bundled_french_sample_quotes_as_french_does(cli):
    result = cli("check", "--only", "quotes")
    assert result.exit_code == 0 and "quotes with the English" not in result.output
