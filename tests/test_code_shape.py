"""The shape of the house (STYLE.md), checked by the suite instead of a reviewer: layers that point one
way, no import cycles, the consumer's code free of the web framework, and one lint and format decision."""

import pathlib
import subprocess
import sys

import grimp

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_layers_point_one_way_as_the_contracts_in_pyproject_say():
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def _import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), counting imports inside functions too: a module
    that imports one that imports it back, however far round, is a cycle."""
    modules = sorted(graph.modules)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_one_that_imports_it_back():
    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph("portal", "jobs", "models", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))
    assert _import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    """The check above can fail: a package whose two modules import each other is reported."""
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("def f():\n    from circle import two\n")
    (package / "two.py").write_text("from circle import one\n")
    sys.path.insert(0, str(tmp_path))
    try:
        graph = grimp.build_graph("circle", cache_dir=None)
    finally:
        sys.path.remove(str(tmp_path))
    assert _import_cycles(graph) == [["circle.one", "circle.two"]]


def test_the_huey_consumer_loads_no_web_framework():
    """The consumer sends every mail without Flask: importing the tasks and every model loads none of it."""
    code = (
        "import pkgutil, importlib, sys, models, jobs.tasks\n"
        "for info in pkgutil.walk_packages(models.__path__, 'models.'):\n"
        "    importlib.import_module(info.name)\n"
        "web = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'werkzeug', 'flask_babel', "
        "'flask_login', 'flask_wtf', 'wtforms', 'portal'})\n"
        "print(web)\n"
    )
    result = _run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_tree_passes_ruff_lint_and_format():
    lint = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatting = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".")
    assert formatting.returncode == 0, formatting.stdout + formatting.stderr
