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
