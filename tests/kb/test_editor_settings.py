"""The editor set-up: .vscode/settings.json gives every schema its files, so no file needs a schema line."""

import json
import re
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_BRIEFS, PROJECT
from tests.kb.test_schema import SCHEMA_DIR, bundled_files, kind_of

SETTINGS = PROJECT / ".vscode" / "settings.json"


def mapped() -> dict[str, list[str]]:
    """Schema file name -> its globs."""
    schemas = json.loads(SETTINGS.read_text(encoding="utf-8"))["yaml.schemas"]
    return {Path(schema).name: globs for schema, globs in schemas.items()}


def matches(glob: str, path: Path) -> bool:
    """As the YAML language server matches a glob from the settings: at the end of the file's path,
    with `*` standing for any run of characters."""
    pattern = re.escape(glob).replace(r"\*", ".*")
    return re.search(pattern + "$", path.as_posix()) is not None


def test_every_schema_is_mapped_to_files_that_exist():
    assert sorted(mapped()) == sorted(path.name for path in SCHEMA_DIR.glob("*.schema.json"))
    for schema, globs in mapped().items():
        assert (PROJECT / "schemas" / schema).is_file()
        assert globs, schema
        for glob in globs:
            found = [path for path in PROJECT.glob("**/*.yaml") if ".venv" not in path.parts and matches(glob, path)]
            assert found, f"{glob} ({schema}) matches no file"


@pytest.mark.parametrize("path", bundled_files(), ids=lambda p: str(p.relative_to(BUNDLED_BRIEFS)))
def test_each_bundled_file_is_mapped_to_its_own_schema(path: Path):
    schemas = {schema for schema, globs in mapped().items() if any(matches(glob, path) for glob in globs)}

    assert schemas == {f"{kind_of(path)}.schema.json"}


def test_a_record_is_mapped_to_its_schema():
    """A meeting's glob reaches its record too, so a record keeps the schema line `briefing record` writes."""
    record = PROJECT / "examples" / "record" / "uk-fcdo-london-2027-02.record.yaml"

    assert any(matches(glob, record) for glob in mapped()["record.schema.json"])
    assert record.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
