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


def developer_map() -> list[str]:
    """The names the README's developer map gives, one line each, under `finder/`."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("- `finder/` is the package.", 1)[1].split("\n- ", 1)[0]
    return [line.split("`")[1] for line in section.splitlines() if line.startswith("  - `")]


def test_the_readme_developer_map_names_exactly_what_ls_finder_shows():
    shown = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in PACKAGE.iterdir()
                   if entry.name != "__pycache__" and not entry.name.startswith("."))
    assert developer_map() == shown
