"""Everything finder shows from data/, read and checked once, when the app is built.

`load_content(folder)` reads each TOML file, checks it against its rules (the ones written at
the top of each file, every citation against sources.toml, and every id that points into
another file), and returns one read-only `Content`. A broken file raises ContentError naming
the file and every problem found in it, so finder stops at start-up instead of halfway
through a page. Pure package: no Flask. One module per kind of file; `checks` holds what
they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finder.content.checklist import checklist_from_toml
from finder.content.checks import ContentError, read_toml
from finder.content.clinician_brief import clinician_brief_from_toml
from finder.content.equivalents import FILENAME as EQUIVALENTS_FILENAME, equivalents_from_toml
from finder.content.glossary import glossary_from_toml
from finder.content.resources import resources_from_toml
from finder.content.sources import sources_from_toml
from finder.content.vocabulary import Vocabulary, vocabulary_from_toml
from finder.domain.checklist import Checklist
from finder.domain.taper_schedule import TaperData

__all__ = ["Content", "ContentError", "Vocabulary", "load_content"]


@dataclass(frozen=True)
class Content:
    """Every file in data/, checked: what each page reads instead of the files."""

    sources: dict[str, dict]             # sources.toml, by id
    vocabulary: Vocabulary               # vocabulary.toml: the lists forms and filters offer
    checklist: Checklist                 # checklist.toml: questions, red flags, verdict rules
    equivalents: TaperData               # benzodiazepine_equivalents.toml: the schedule check
    resources: dict[str, Any]            # resources.toml: where to look, call script
    glossary: list[dict[str, Any]]       # glossary.toml: words explained, in file order
    clinician_brief: dict[str, Any]      # clinician_brief.toml: the one-page brief


def load_content(content_dir: Path | str) -> Content:
    """Read and check every file in `content_dir`; raise ContentError for the first broken
    file, naming it and every problem in it. Files are read in the order they depend on
    one another: sources first, since everything cites them."""
    folder = Path(content_dir)
    sources = sources_from_toml(read_toml(folder, "sources.toml"))
    vocabulary = vocabulary_from_toml(read_toml(folder, "vocabulary.toml"))
    checklist = checklist_from_toml(read_toml(folder, "checklist.toml"), sources)
    equivalents = equivalents_from_toml(read_toml(folder, EQUIVALENTS_FILENAME), sources)
    resources = resources_from_toml(read_toml(folder, "resources.toml"), sources, checklist,
                                    vocabulary)
    glossary = glossary_from_toml(read_toml(folder, "glossary.toml"), sources, checklist,
                                  resources)
    brief = clinician_brief_from_toml(read_toml(folder, "clinician_brief.toml"), sources,
                                      checklist)
    return Content(sources, vocabulary, checklist, equivalents, resources, glossary, brief)
