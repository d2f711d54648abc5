"""The shape of kb/, read from its imports (docs/architecture.md): three layers, the app shell (kb.app)
above the features above the platform (kb.platform); no module reaches for another's private names;
the feature packages depend on each other in one direction only, through what each offers."""

from __future__ import annotations

import ast
from pathlib import Path

from kb.platform.http import LARGEST_ID, IdConverter

KB = Path(__file__).resolve().parent.parent / "kb"
FEATURES = {
    "auth",
    "themes",
    "library",
    "search",
    "board",
    "moderation",
    "collections",
    "feeds",
    "ops",
    "packs",
    "sitemap",
    "api",
    "partnerships",
    "notifications",
    "meaning",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(KB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of import nodes under `if TYPE_CHECKING:`: names for annotations, never run."""
    return {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }


def imports() -> list[tuple[str, int, str, list[str]]]:
    """(module, line, imported module, imported names) for every import of kb code in kb/ that runs."""
    found = []
    for path in sorted(KB.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        annotations_only = type_checking_only(tree)
        for node in ast.walk(tree):
            if id(node) in annotations_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kb":
                found.append((module, node.lineno, node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found += [
                    (module, node.lineno, alias.name, []) for alias in node.names if alias.name.split(".")[0] == "kb"
                ]
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
    # forms: the suspension form the board and the hub share
    "auth": {"models", "service", "forms"},
    "themes": {"models", "service", "sections"},  # sections: where features add to the theme pages
    # kinds: item addresses; rules: who may see what (the feeds ask for an anonymous visitor); tags: renames
    "library": {"models", "service", "kinds", "queries", "history", "reviewables", "rules", "tags"},
    "board": {"models", "service", "moderation", "queries", "rules", "reviewables"},
    "search": {"service", "documents"},  # documents: how a feature registers what it indexes
    "collections": {"models", "service"},
    "moderation": set(),  # the queue reads the others' reviewables; nothing imports it
    "feeds": set(),  # nothing: pages link to feeds through the feed_link template global
    "ops": set(),
    "packs": set(),  # gathers from themes, library, collections and the board; nothing imports it
    "sitemap": set(),  # the same: it lists their public pages
    "api": set(),  # it reads the others; nothing reads it
    "partnerships": set(),  # the health-check reads themes, the library and collections; nothing imports it
    # service: who hears of a new case study (the library asks). Telling a member is the platform's
    # kb.platform.notifications.tell, so a feature needs nothing else from this one.
    "notifications": {"service"},
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
    outside = [
        f"{where} imports kb.{feature}.{module}"
        for where, feature, module in reached_modules()
        if module not in PUBLIC[feature]
    ]
    assert outside == [], "use the feature's service, or add the module to PUBLIC with the reason"
    assert set(PUBLIC) == FEATURES


def test_no_module_imports_another_modules_private_names():
    private = [
        f"{module}:{line} imports {name} from {imported}"
        for module, line, imported, names in imports()
        for name in names
        if name.startswith("_")
    ]
    assert private == [], "give these a public name in the feature's service surface"


def test_feature_packages_depend_on_each_other_in_one_direction():
    edges = feature_edges()
    found = cycles(edges)
    where = {
        " -> ".join(cycle): [place for pair in zip(cycle, cycle[1:], strict=False) for place in edges[pair]]
        for cycle in found
    }
    assert found == [], f"import cycles between features: {where}"


def test_the_checks_see_a_cycle_and_a_private_import():
    # The checks above pass on kb/; make sure they would fail on a tangle.
    assert cycles({("themes", "library"): [], ("library", "search"): [], ("search", "themes"): []}) == [
        ["library", "search", "themes", "library"]
    ]
    assert ("library", "themes") in feature_edges()
    assert ("kb.moderation.queue", "board", "models") in {
        (where.split(":")[0], feature, module) for where, feature, module in reached_modules()
    }
    assert any(name == "db" for _module, _line, _imported, names in imports() for name in names)


def test_every_route_that_takes_a_database_id_uses_the_id_converter(app):
    # One converter bounds every id (kb/platform/http.py): a number too large for the database answers 404.
    loose = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if (name.endswith("_id") or name == "number") and not isinstance(converter, IdConverter)
    ]
    assert loose == []
    assert app.test_client().get(f"/case-studies/{LARGEST_ID + 1}").status_code == 404


# The layers, from the top: a module may import its own layer and those below it, never above.
LAYERS = {"app": 2, "feature": 1, "platform": 0}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return "app"  # kb itself: the package re-exports the factory
    if parts[1] in ("app", "platform"):
        return parts[1]
    return "feature" if parts[1] in FEATURES else None


def layer_breaches(found_imports) -> list[str]:
    breaches = []
    for module, line, imported, names in found_imports:
        targets = [f"kb.{name}" for name in names] if imported == "kb" else [imported]
        for target in targets:
            source, reached = layer_of(module), layer_of(target)
            if source and reached and LAYERS[reached] > LAYERS[source]:
                breaches.append(f"{module}:{line} ({source}) imports {target} ({reached})")
    return breaches


def test_each_layer_imports_only_its_own_and_those_below():
    """The platform imports no feature and not the shell; no feature imports the shell."""
    assert layer_breaches(imports()) == []


def test_kb_holds_the_shell_the_platform_and_the_features_and_nothing_loose():
    loose_modules = sorted(path.name for path in KB.glob("*.py") if path.name != "__init__.py")
    assert loose_modules == [], "a module belongs to the shell (kb/app), the platform (kb/platform) or a feature"
    packages = {path.name for path in KB.iterdir() if (path / "__init__.py").exists()}
    assert packages == FEATURES | {"app", "platform"}


def test_every_module_a_feature_offers_exists():
    missing = [
        f"kb.{feature}.{module}"
        for feature, modules in PUBLIC.items()
        for module in modules
        if not (KB / feature / f"{module}.py").exists() and not (KB / feature / module / "__init__.py").exists()
    ]
    assert missing == []


def test_the_layer_check_sees_a_breach():
    assert layer_breaches(
        [
            ("kb.platform.audit", 1, "kb.auth.models", ["User"]),
            ("kb.library.views", 2, "kb.app.templating", ["long_date"]),
            ("kb.library.views", 3, "kb.platform", ["clock"]),
        ]
    ) == [
        "kb.platform.audit:1 (platform) imports kb.auth.models (feature)",
        "kb.library.views:2 (feature) imports kb.app.templating (app)",
    ]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kb.auth.models import User\n")
    assert len(type_checking_only(tree)) == 2  # the import and its alias


ARCHITECTURE = KB.parent / "docs" / "architecture.md"


def test_the_code_map_in_the_docs_names_every_package_and_only_those():
    """docs/architecture.md's code map: a line "- `kb/<package>/` ..." for each package, kept true."""
    import re

    mapped = set(re.findall(r"^- `kb/([\w/]+?)/`", ARCHITECTURE.read_text(encoding="utf-8"), flags=re.M))
    packages = {str(path.parent.relative_to(KB)) for path in KB.rglob("__init__.py") if path.parent != KB}
    assert sorted(packages - mapped) == [], "add these to the code map in docs/architecture.md"
    assert sorted(mapped - packages) == [], "the code map names packages that are gone"


def test_who_is_a_moderator_is_written_once():
    """One rule (kb/platform/permissions.py) for views, services, rules modules and templates."""
    copies = [
        f"{path.relative_to(KB)}:{node.lineno} {node.name}"
        for path in sorted(KB.rglob("*.py"))
        if path != KB / "platform" / "permissions.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and node.name.strip("_") in ("is_moderator", "require_moderator")
        and not any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
    ]
    assert copies == []


def test_dates_are_written_in_one_place():
    """The site's date phrase ("3 December 2026", "3 December 2026 at 5pm") is kb/platform/dates.py's:
    pages, messages and mail all say a date the same way, and a change to it is one change."""
    import re

    month_formats = re.compile(r"%B|%b\b|%d %m|%m/%d")
    elsewhere = [
        f"{path.relative_to(KB)}:{number}"
        for path in sorted(KB.rglob("*.py"))
        if path != KB / "platform" / "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if month_formats.search(line)
    ]
    assert elsewhere == []


def test_links_are_signed_in_one_place():
    """One signer (kb/platform/tokens.py) for every signed link: one secret, a salt per purpose."""
    signers = [
        f"{path.relative_to(KB)}"
        for path in sorted(KB.rglob("*.py"))
        if path != KB / "platform" / "tokens.py" and "itsdangerous" in path.read_text(encoding="utf-8")
    ]
    assert signers == []


def test_advisory_lock_keys_come_from_the_registry():
    """Every advisory lock key is named in kb/platform/locks.py, so no two uses can share one by chance."""
    import re

    from kb.platform import locks

    assert len(set(locks.KEYS)) == len(locks.KEYS)
    literal_keys = [
        f"{path.relative_to(KB)}:{number}"
        for path in sorted(KB.rglob("*.py"))
        if path != KB / "platform" / "locks.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"LOCK\w* = \d", line)
    ]
    assert literal_keys == []


def test_status_groups_are_named_once():
    """ "Readable" and "submitted" are sets in kb/library/models.py, read by Python and templates alike."""
    import re

    written_out = re.compile(r"Status\.(PUBLISHED|SUBMITTED), Status\.(ARCHIVED|RESUBMITTED)|'published', 'archived'")
    places = [*sorted(KB.rglob("*.py")), *sorted((KB.parent / "templates").rglob("*.html"))]
    elsewhere = [
        f"{path.relative_to(KB.parent)}:{number}"
        for path in places
        if path != KB / "library" / "models.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if written_out.search(line)
    ]
    assert elsewhere == []


def test_templates_name_endpoints_that_exist_and_never_build_them(app):
    """A template's url_for names its endpoint as written ('board.index') or as a declared one
    (pages.index): never by joining strings, so a renamed route fails here, not on a visitor's page."""
    import re

    from kb.library.kinds import ALL_KINDS

    endpoints = set(app.view_functions)
    templates = sorted((KB.parent / "templates").rglob("*.html"))
    calls = [
        (path, match)
        for path in templates
        for match in re.findall(r"url_for\(([^,)]*)", path.read_text(encoding="utf-8"))
    ]
    built = [f"{path.name}: url_for({first})" for path, first in calls if "~" in first or "+" in first]
    unknown = [
        f"{path.name}: {name}"
        for path, first in calls
        for name in re.findall(r"'([\w.]+)'", first)
        if name not in endpoints
    ]
    assert built == [] and unknown == []
    assert {getattr(pages, name) for pages in ALL_KINDS for name in ("index", "new", "export")} <= endpoints


# --- one way for a feature to plug in ----------------------------------------------------------

# Module-level containers that are caches, not registries (what a feature contributes is declared on
# its Feature and held on the app, never gathered into module globals).
CACHES = {"kb.search.backends.whoosh.store:_STEMS"}


def module_level_containers() -> set[str]:
    found = set()
    for path in sorted(KB.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target, value = None, None
            if isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            empty = isinstance(value, (ast.Dict, ast.List, ast.Set)) and not getattr(
                value, "keys", getattr(value, "elts", None)
            )
            called = (
                isinstance(value, ast.Call)
                and getattr(value.func, "id", "") in {"dict", "list", "set"}
                and not value.args
            )
            if isinstance(target, ast.Name) and (empty or called):
                found.add(f"{module_name(path)}:{target.id}")
    return found


def test_no_feature_registers_itself_in_a_module_global():
    assert module_level_containers() - CACHES == set(), "declare it on the feature's Feature (kb/platform/features.py)"


def test_every_feature_package_declares_itself_once_and_the_app_holds_each(app):
    from kb.platform import features

    declared = features.declared(app)
    assert [feature.name for feature in declared] == [feature.blueprint.name for feature in declared]
    assert sorted(feature.name for feature in declared) == sorted(FEATURES)
    for feature in declared:
        package = __import__(f"kb.{feature.name}", fromlist=["FEATURE"])
        assert package.FEATURE is feature, f"kb/{feature.name}/__init__.py declares FEATURE, listed in the factory"
    other = features.declared(
        __import__("kb").create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    )
    assert other == declared  # each app holds its own tuple of the same declarations, nothing left over


def test_the_readers_see_what_the_features_declare(app):
    """The queue's tabs, the data download's parts, the erasers, search's documents and the home page's
    sections are read from the declarations: a declaration taken away takes its part away."""
    from kb.moderation import queue
    from kb.platform import erasure, features, personal_data
    from kb.search import documents

    assert list(queue.tabs()) == ["submissions", "held", "reports"]
    assert [part.name for part in personal_data.parts()][:4] == [
        "account",
        "mail",
        "notifications",
        "email_notifications",
    ]
    assert [eraser.name for eraser in erasure.erasers()] == ["library", "board", "partnerships"]
    assert {provider.key_prefix for provider in documents.providers()} >= {"library_item", "board_thread"}
    declared = features.declared(app)
    app.extensions[features.EXTENSION] = features.changed(app, "board", queue_tabs=(), eraser=None)
    try:
        assert list(queue.tabs()) == ["submissions"]
        assert [eraser.name for eraser in erasure.erasers()] == ["library", "partnerships"]
    finally:
        app.extensions[features.EXTENSION] = declared


def test_every_guarded_view_declares_its_role_through_the_platform():
    """Views guard with member_required / moderator_required / admin_required, which record the
    role the harness and the role matrix read; flask-login's own decorator would record nothing."""
    direct = [
        f"{module}:{line}"
        for module, line, imported, names in [
            (module_name(path), node.lineno, node.module, [alias.name for alias in node.names])
            for path in sorted(KB.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module == "flask_login"
        ]
        if "login_required" in names and module != "kb.platform.permissions"
    ]
    assert direct == []


def test_links_to_items_threads_and_posts_are_built_one_way():
    """address_of(thing) on the model's path(): no other helper builds these addresses."""
    written = [
        f"{path.relative_to(KB.parent)}"
        for path in [*KB.rglob("*.py"), *(KB.parent / "templates").rglob("*.*")]
        if any(name in path.read_text(encoding="utf-8") for name in ("thread_url(", "post_url("))
    ]
    assert written == []
