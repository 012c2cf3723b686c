"""The apps depend in one direction only (docs/architecture.md): an app may import itself and the
apps to its left, never one to its right, so that a change in an upper app cannot break a lower
one and each layer can be read, tested and changed without the ones above it.

Read with `ast` rather than by importing: every `import` and `from … import`, at any depth
(inside functions too, where a lazy import would otherwise hide a cycle), relative ones resolved.
Migrations are checked like the rest: they import only `django` and `mutualis.core`."""

import ast
from pathlib import Path

import mutualis

LAYERS = [
    "core",
    "federation",
    "benefits",
    "membership",
    "contributions",
    "providers",
    "claims",
    "settlements",
    "accounting",
    "monitoring",
    "inventory",
    "portal",
    "interop",
    # settings, URLs and the command wire every app together: they may import all of them
    "config",
]
# The apps that learn what happened from the event log (core.consumers), never from the
# operations' modules: they import core and federation (organisations, users, scope) and, for the
# network's apps, what the readers before them have made of the log (indicators, inventory).
SHARED = {"core", "federation"}
READERS_OF_THE_LOG = {
    "accounting": SHARED,
    "monitoring": SHARED,
    "inventory": SHARED | {"monitoring"},
    "portal": SHARED | {"monitoring", "inventory"},
}
# the vocabularies the events' payloads are written in (a level of care, a service category):
# their codes and translated labels, nothing of the apps that hold them
VOCABULARIES = {"mutualis.benefits.choices"}
# modules outside the apps: the date formats Django reads by path sit with core (they import
# nothing); the command line starts the project like config
OUTSIDE = {"formats": "core", "cli": "config", "__main__": "config", "__init__": "core"}

ROOT = Path(mutualis.__file__).parent


def layer_of(module: str) -> int | None:
    """The layer of a dotted module name under `mutualis`, None for anything else."""
    parts = module.split(".")
    if parts[0] != "mutualis" or len(parts) < 2:
        return None
    name = OUTSIDE.get(parts[1], parts[1])
    return LAYERS.index(name) if name in LAYERS else None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path):
    """(line, module) for each import in the file, relative imports made absolute; a
    `from package import name` yields `package.name` too, since the name may be a module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def backward_imports(root: Path = ROOT) -> list[str]:
    """`file:line → module` for each import of an app to the right of the importing file's."""
    found = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root) if path.parent != root else f"mutualis.{path.stem}"
        own = layer_of(name)
        assert own is not None, f"{path} belongs to no layer: add it to LAYERS or OUTSIDE"
        # `from a.b import c` yields a.b and a.b.c: name the shortest that crosses, once a line
        crossing = {}
        for line, module in imported_modules(path, root):
            target = layer_of(module)
            crosses = target is not None and target > own
            if crosses and (line not in crossing or len(module) < len(crossing[line])):
                crossing[line] = module
        where = path.relative_to(root.parent)
        found += [f"{where}:{line} → {module}" for line, module in sorted(crossing.items())]
    return found


def test_layers_name_every_app():
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert apps - set(OUTSIDE) == set(LAYERS)


def test_an_app_imports_only_the_apps_to_its_left():
    violations = backward_imports()
    assert not violations, "imports against the layers:\n" + "\n".join(violations)


def test_it_names_an_import_inside_a_function(tmp_path):
    root = tmp_path / "mutualis"
    (root / "core").mkdir(parents=True)
    (root / "claims").mkdir()
    for package in (root, root / "core", root / "claims"):
        (package / "__init__.py").write_text("")
    (root / "core" / "late.py").write_text("def f():\n    from ..claims import rules\n")
    (root / "claims" / "rules.py").write_text("from mutualis.core import late\n")

    assert backward_imports(root) == ["mutualis/core/late.py:2 → mutualis.claims"]


def operations_imported_by_readers_of_the_log(root: Path = ROOT) -> list[str]:
    found = []
    for app, allowed in sorted(READERS_OF_THE_LOG.items()):
        for path in sorted((root / app).rglob("*.py")):
            for line, module in imported_modules(path, root):
                parts = module.split(".")
                if (
                    parts[0] == "mutualis"
                    and parts[1:2]
                    and parts[1] not in allowed | {app}
                    and not any(module.startswith(v) for v in VOCABULARIES)
                ):
                    found.append(f"{path.relative_to(root.parent)}:{line} → {module}")
    return found


def test_the_readers_of_the_log_import_no_operational_app():
    violations = operations_imported_by_readers_of_the_log()
    assert not violations, "read the event log instead:\n" + "\n".join(violations)
