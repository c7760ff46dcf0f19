"""The package reads from `ls finder`: the rules stay free of the web framework."""

import ast

from support import REPO

PACKAGE = REPO / "finder"
WEB_LIBRARIES = {"flask", "flask_wtf", "werkzeug", "wtforms", "jinja2", "markupsafe"}


def imported_modules(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_domain_modules_import_no_web_library_and_nothing_of_finder_outside_domain():
    modules = sorted((PACKAGE / "domain").rglob("*.py"))
    assert len(modules) > 10
    for path in modules:
        imported = imported_modules(path)
        web = {name for name in imported if name.split(".")[0] in WEB_LIBRARIES}
        outside = {name for name in imported if name.split(".")[0] == "finder"
                   and not name.startswith("finder.domain")}
        assert not web and not outside, (path.relative_to(REPO), web | outside)
