"""JSON Schemas of the knowledge-base files, for editors that validate YAML as it is typed.

The schemas are derived from the content model, so they never disagree with
`briefing check` about which fields exist; `check` still does what a schema
cannot (ids that must exist, line-exact messages).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.kb import model
from generator.kb.load import COUNTRY_FILES

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"

SINGLE_FILES: dict[str, type[model.Model]] = {
    "country": model.Country,
    "audience": model.Audience,
    "meeting": model.Meeting,
    "record": model.Record,
}
LIST_FILES: dict[str, type[model.Model]] = {
    "themes": model.Theme,
    "levers": model.Lever,
    **{name.removesuffix(".yaml"): item for name, item in COUNTRY_FILES.items()},
}


def schemas() -> dict[str, dict[str, Any]]:
    """File kind -> JSON Schema, in a stable order."""
    result: dict[str, dict[str, Any]] = {}
    for kind, item_model in SINGLE_FILES.items():
        title = "<meeting>.record.yaml" if item_model is model.Record else f"{kind}.yaml"
        result[kind] = {"$schema": SCHEMA_DRAFT, "title": title, **item_model.model_json_schema()}
    for kind, item_model in LIST_FILES.items():
        item = item_model.model_json_schema()
        definitions = item.pop("$defs", {})
        result[kind] = {
            "$schema": SCHEMA_DRAFT,
            "title": f"{kind}.yaml",
            "type": "array",
            "items": item,
            **({"$defs": definitions} if definitions else {}),
        }
    return dict(sorted(result.items()))


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas().items():
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
