"""The shape of kb/, read from its imports: no module reaches for another's private names, and the
feature packages depend on each other in one direction only (STYLE.md, "The shape")."""

from __future__ import annotations

import ast
from pathlib import Path

from kb.http import LARGEST_ID, IdConverter

KB = Path(__file__).resolve().parent.parent / "kb"
FEATURES = {"auth", "themes", "library", "search", "board", "moderation", "collections", "feeds", "ops", "packs",
            "sitemap", "api", "partnerships", "notifications", "meaning"}


def module_name(path: Path) -> str:
    parts = path.relative_to(KB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> list[tuple[str, int, str, list[str]]]:
    """(module, line, imported module, imported names) for every import of kb code in kb/."""
    found = []
    for path in sorted(KB.rglob("*.py")):
        module = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kb":
                found.append((module, node.lineno, node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [(module, node.lineno, alias.name, []) for alias in node.names
                          if alias.name.split(".")[0] == "kb"]
    return found


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def feature_edges() -> dict[tuple[str, str], list[str]]:
    """(importing feature, imported feature) -> where, for every import between two feature packages."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module, line, imported, names in imports():
        source = feature_of(module)
        # `from kb import library` names the package in the imported names, not in the module.
        targets = {feature_of(f"kb.{name}") for name in names} if imported == "kb" else {feature_of(imported)}
        for target in targets:
            if source and target and source != target:
                edges.setdefault((source, target), []).append(f"{module}:{line}")
    return edges


def cycles(edges) -> list[list[str]]:
    """Each cycle in the feature graph, found by a depth-first walk from every feature."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    found = []

    def walk(path: list[str]) -> None:
        for following in sorted(graph.get(path[-1], ())):
            if following == path[0]:
                found.append([*path, following])
            elif following not in path and following > path[0]:  # each cycle once, from its smallest member
                walk([*path, following])

    for start in sorted(graph):
        walk([start])
    return found


# What each feature offers the others; the rest of a package is its own business. Besides its
# models and its service (the rules), a feature may offer a module others are meant to use.
PUBLIC = {
    # forms: the suspension form the board and the hub share; links: how a signed link in a mail names
    # its account (the unsubscribe link)
    "auth": {"models", "service", "forms", "links"},
    "themes": {"models", "service", "sections"},  # sections: where features add to the theme pages
    # kinds: item addresses; rules: who may see what (the feeds ask for an anonymous visitor); tags: renames
    "library": {"models", "service", "kinds", "queries", "history", "reviewables", "rules", "tags"},
    "board": {"models", "service", "moderation", "queries", "rules", "reviewables"},
    "search": {"service", "documents"},  # documents: how a feature registers what it indexes
    "collections": {"models", "service"},
    "moderation": {"models", "service"},
    "feeds": set(),  # nothing: pages link to feeds through the feed_link template global
    "ops": set(),
    "packs": set(),  # gathers from themes, library, collections and the board; nothing imports it
    "sitemap": set(),  # the same: it lists their public pages
    "api": set(),  # it reads the others; nothing reads it
    "partnerships": set(),  # the health-check reads themes, the library and collections; nothing imports it
    "notifications": {"service"},  # service: the board and the library report events to be emailed
    "meaning": set(),  # it reads search's documents and listens to its outbox; pages link to it by URL
}


def reached_modules() -> list[tuple[str, str, str]]:
    """(importing module with line, feature reached, the feature's module) for each import between features."""
    found = []
    for module, line, imported, names in imports():
        source = feature_of(module)
        if imported == "kb":
            targets = [f"kb.{name}" for name in names]
        elif imported.count(".") == 1:  # `from kb.board import queries`: the names are modules
            targets = [f"{imported}.{name}" for name in names]
        else:
            targets = [imported]
        for target in targets:
            feature = feature_of(target)
            if source and feature and source != feature:
                found.append((f"{module}:{line}", feature, target.split(".")[2] if target.count(".") >= 2 else ""))
    return found


def test_features_reach_each_other_only_through_what_they_offer():
    outside = [f"{where} imports kb.{feature}.{module}" for where, feature, module in reached_modules()
               if module not in PUBLIC[feature]]
    assert outside == [], "use the feature's service, or add the module to PUBLIC with the reason"
    assert set(PUBLIC) == FEATURES


def test_no_module_imports_another_modules_private_names():
    private = [f"{module}:{line} imports {name} from {imported}"
               for module, line, imported, names in imports()
               for name in names if name.startswith("_")]
    assert private == [], "give these a public name in the feature's service surface"


def test_feature_packages_depend_on_each_other_in_one_direction():
    edges = feature_edges()
    found = cycles(edges)
    where = {" -> ".join(cycle): [place for pair in zip(cycle, cycle[1:], strict=False) for place in edges[pair]]
             for cycle in found}
    assert found == [], f"import cycles between features: {where}"


def test_the_checks_see_a_cycle_and_a_private_import():
    # The checks above pass on kb/; make sure they would fail on a tangle.
    assert cycles({("themes", "library"): [], ("library", "search"): [], ("search", "themes"): []}) == [
        ["library", "search", "themes", "library"]]
    assert ("library", "themes") in feature_edges()
    assert ("kb.moderation.queue", "board", "reviewables") in {(where.split(":")[0], feature, module)
                                                             for where, feature, module in reached_modules()}
    assert any(name == "db" for _module, _line, _imported, names in imports() for name in names)


def test_every_route_that_takes_a_database_id_uses_the_id_converter(app):
    # One converter bounds every id (kb/http.py): a number too large for the database answers 404.
    loose = [f"{rule.rule} ({name})" for rule in app.url_map.iter_rules()
             for name, converter in rule._converters.items()
             if (name.endswith("_id") or name == "number") and not isinstance(converter, IdConverter)]
    assert loose == []
    assert app.test_client().get(f"/case-studies/{LARGEST_ID + 1}").status_code == 404
