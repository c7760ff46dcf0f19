"""The README is the front door: its commands must be the ones CI runs."""

import re

from support import REPO

README = (REPO / "README.md").read_text()


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_the_readme_starts_with_what_finder_is_for():
    assert README.startswith("# finder\n\n**Find a clinician who really runs a hyperbolic")


def test_the_run_command_makes_a_venv_installs_and_starts_the_app():
    run = shell_blocks()[0].strip()
    assert run.startswith("python3 -m venv .venv && ")
    assert "pip install . " in run and run.endswith(".venv/bin/finder")


def test_ci_runs_the_readme_test_command_word_for_word():
    test_command = shell_blocks()[1].strip()
    assert "pip install -e '.[test]'" in test_command and "pytest" in test_command
    ci = (REPO / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()
    assert "set -euo pipefail" in ci  # a failing test fails CI


def test_every_test_the_reliability_section_names_exists():
    """Each promise names the tests that show it (`file.py::test_name`, or `::test_name`
    for another test in the file last named): a renamed or removed test fails here."""
    section = README[README.index("## Reliability and privacy"):
                     README.index("## For developers")]
    named, missing, current = 0, [], None
    for path, test in re.findall(r"`((?:browser/)?test_\w+\.py)?(?:::(test_\w+))?`", section):
        if path:
            current = REPO / "tests" / path
            missing += [] if current.is_file() else [path]
        if test:
            named += 1
            if current is None or not re.search(rf"^def {test}\(", current.read_text(), re.M):
                missing.append(f"{current}::{test}")
    assert named >= 40 and missing == []
