"""The shipped JSON Schemas match the content model and accept the bundled files."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.kb.schema import schemas
from tests.conftest import BUNDLED_BRIEFS, PROJECT

SCHEMA_DIR = PROJECT / "schemas"


class EditorLoader(yaml.SafeLoader):
    """Reads dates as strings, as YAML editors hand them to JSON Schema."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def kind_of(path: Path) -> str:
    if path.name.endswith(".record.yaml"):
        return "record"
    if path.parent.name in ("audiences", "meetings"):
        return path.parent.name.removesuffix("s")
    if path.parent.name == "levers":
        return "levers"
    return path.stem


def bundled_files() -> list[Path]:
    return sorted(BUNDLED_BRIEFS.rglob("*.yaml"))


def test_shipped_schemas_are_up_to_date():
    for kind, schema in schemas().items():
        shipped = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert shipped == schema, f"schemas/{kind}.schema.json is stale; run `briefing schema`"


@pytest.mark.parametrize("path", bundled_files(), ids=lambda p: str(p.relative_to(BUNDLED_BRIEFS)))
def test_bundled_files_validate_and_point_editors_at_their_schema(path: Path):
    schema_file = SCHEMA_DIR / f"{kind_of(path)}.schema.json"
    text = path.read_text(encoding="utf-8")
    first_line = text.splitlines()[0]

    jsonschema.validate(yaml.load(text, Loader=EditorLoader), json.loads(schema_file.read_text()))
    assert first_line.startswith("# yaml-language-server: $schema=")
    assert (path.parent / first_line.split("=", 1)[1]).resolve() == schema_file.resolve()


def test_schema_rejects_a_misspelt_field():
    facts = yaml.load("- id: x\n  txet: typo\n", Loader=EditorLoader)
    schema = json.loads((SCHEMA_DIR / "facts.schema.json").read_text())

    with pytest.raises(jsonschema.ValidationError, match="txet"):
        jsonschema.validate(facts, schema)


def test_schema_command_writes_every_schema(cli, tmp_path: Path):
    result = cli("schema", "--out", tmp_path)

    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{kind}.schema.json" for kind in schemas())
