"""Every public function, method and class of luat says what it returns or does (issue #16): a def whose name does
not start with "_", nested ones included, has a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "luat"
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def public_defs(node: ast.AST, prefix: str = ""):
    """(qualified name, line, has a docstring) of each public def under ``node``, those inside others included."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, DEFS):
            name = prefix + child.name
            if not child.name.startswith("_"):
                yield name, child.lineno, ast.get_docstring(child) is not None
            yield from public_defs(child, name + ".")
        else:
            yield from public_defs(child, prefix)


def test_every_public_def_has_a_docstring():
    missing = [
        f"{path.relative_to(SOURCE.parent)}:{line} {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        for name, line, documented in public_defs(ast.parse(path.read_text(encoding="utf-8")))
        if not documented
    ]
    assert not missing, "public defs without a docstring:\n" + "\n".join(missing)


def test_the_walk_finds_nested_and_conditional_defs():
    tree = ast.parse(
        "class A:\n    def f(self):\n        def g(): pass\n        return g\n"
        "if True:\n    def h(): pass\n"
        "def _private():\n    def shown(): pass\n"
    )
    assert [name for name, _line, _doc in public_defs(tree)] == ["A", "A.f", "A.f.g", "h", "_private.shown"]
