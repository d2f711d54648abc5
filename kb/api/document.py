"""The OpenAPI document (kb/api/openapi.yaml, written by hand: the API's contract), read once, and
laid out for the readable page at /api/v1/docs."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DOCUMENT_PATH = Path(__file__).resolve().parent / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def _loaded() -> dict:
    return yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))


def openapi_document() -> dict:
    """The document as data (a copy: callers may change theirs)."""
    return copy.deepcopy(_loaded())


def resolve(node, document: dict):
    """A `$ref` followed to what it names (local references only, which is all the document has)."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def ref_name(node) -> str | None:
    return node["$ref"].rsplit("/", 1)[-1] if isinstance(node, dict) and "$ref" in node else None


def type_in_words(schema: dict, document: dict) -> str:
    """A schema's type as a reader wants it: "string", "integer or null", "list of ItemLink", "Links"."""
    name = ref_name(schema)
    if name:
        return name
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            return " or ".join(type_in_words(part, document) for part in schema[combined])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_in_words(schema.get('items', {}), document)}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of names to {type_in_words(schema['additionalProperties'], document)}"
    return " or ".join(kind) if isinstance(kind, list) else kind


def allowed_values(schema: dict) -> str:
    schema = schema or {}
    if "enum" in schema:
        return ", ".join(str(value) for value in schema["enum"] if value is not None)
    if "const" in schema:
        return str(schema["const"])
    bounds = [
        f"{label} {schema[key]}"
        for key, label in (
            ("minimum", "from"),
            ("maximum", "to"),
            ("maxLength", "at most characters:"),
            ("pattern", "matching"),
        )
        if key in schema
    ]
    if "default" in schema:
        bounds.append(f"default {schema['default']}")
    return "; ".join(bounds)


@dataclass
class Row:
    name: str
    type: str
    required: bool
    allowed: str
    description: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Row]
    responses: list[Row]


@dataclass
class Section:
    name: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Shape:
    name: str
    type: str
    description: str
    based_on: list[str]
    properties: list[Row]


def _parameter_row(parameter: dict, document: dict) -> Row:
    parameter = resolve(parameter, document)
    schema = parameter.get("schema", {})
    return Row(
        f"{parameter['name']} ({parameter['in']})",
        type_in_words(schema, document),
        bool(parameter.get("required")),
        allowed_values(schema),
        parameter.get("description", ""),
    )


def _response_row(status: str, response: dict, document: dict) -> Row:
    response = resolve(response, document)
    content = response.get("content", {})
    shapes = [f"{media}: {type_in_words(body.get('schema', {}), document)}" for media, body in content.items()]
    headers = ", ".join(response.get("headers", {}))
    return Row(
        status,
        "; ".join(shapes) or "no body",
        False,
        f"headers: {headers}" if headers else "",
        response.get("description", ""),
    )


def sections() -> list[Section]:
    """Every operation, grouped by the document's tags in their order, with parameters and responses."""
    document = _loaded()
    by_tag = {tag["name"]: Section(tag["name"], tag.get("description", "")) for tag in document.get("tags", [])}
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            section = by_tag.setdefault(operation["tags"][0], Section(operation["tags"][0], ""))
            section.operations.append(
                Operation(
                    anchor=operation["operationId"],
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=[_parameter_row(parameter, document) for parameter in operation.get("parameters", [])],
                    responses=[
                        _response_row(status, response, document) for status, response in operation["responses"].items()
                    ],
                )
            )
    return [section for section in by_tag.values() if section.operations]


def shapes() -> list[Shape]:
    """Each named schema with its properties (those of the schemas it builds on are listed there)."""
    document = _loaded()
    found = []
    for name, schema in document["components"]["schemas"].items():
        required = set(schema.get("required", []))
        rows = [
            Row(prop, type_in_words(sub, document), prop in required, allowed_values(sub), sub.get("description", ""))
            for prop, sub in schema.get("properties", {}).items()
        ]
        kind = "object" if "allOf" in schema else type_in_words(schema, document)
        found.append(
            Shape(
                name,
                kind,
                schema.get("description", ""),
                [ref_name(part) for part in schema.get("allOf", []) if ref_name(part)],
                rows,
            )
        )
    return found


@functools.cache
def query_parameters(path: str) -> dict[str, dict]:
    """The query parameters of the GET operation at `path` (as the document writes it, "/search"),
    each name with its schema."""
    document = _loaded()
    parameters = (resolve(parameter, document) for parameter in document["paths"][path]["get"].get("parameters", []))
    return {
        parameter["name"]: resolve(parameter.get("schema", {}), document)
        for parameter in parameters
        if parameter["in"] == "query"
    }


def servers() -> list[str]:
    return [server["url"] for server in _loaded().get("servers", [])]


def info() -> dict:
    return _loaded()["info"]
