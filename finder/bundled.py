"""Where the content and templates that ship with finder are.

In a built wheel, data/ and templates/ are copied into the package (see pyproject.toml); in a
source checkout they sit beside it, at the top of the repository.
"""

from pathlib import Path

__all__ = ["bundled_path"]

_PACKAGE = Path(__file__).resolve().parent


def bundled_path(name: str) -> Path:
    """The folder `name` ("data" or "templates") as installed, or from the source checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name
