"""data/benzodiazepine_equivalents.toml: the dose equivalents and rules the schedule check
uses (finder.domain.taper_schedule builds and checks them), each citing its sources."""

from __future__ import annotations

from finder.content.checks import ContentError, citation_problems, raise_if_any
from finder.domain.taper_schedule import TaperData, TaperDataError, taper_data_from_dict
from finder.domain.taper_schedule.common import EQUIVALENTS_FILE as FILENAME

__all__ = ["equivalents_from_toml", "FILENAME"]


def equivalents_from_toml(data: dict, sources: dict[str, dict]) -> TaperData:
    """The checked TaperData; ContentError lists every problem. A drug's figure from a table
    must cite that table's sources, so no figure is shown without where it comes from."""
    try:
        equivalents = taper_data_from_dict(data)
    except TaperDataError as error:
        raise ContentError(FILENAME, error.problems) from None
    raise_if_any(FILENAME, _citation_problems(equivalents, sources))
    return equivalents


def _citation_problems(data: TaperData, sources: dict[str, dict]):
    cited = [(f"drug {d.id!r}", d.sources) for d in data.drugs.values()]
    cited += [(f"table {t.id!r}", t.sources) for t in data.tables.values()]
    cited += [("[liquid]", data.liquid_sources), ("[jump]", data.jump_sources)]
    cited += [(f"[patterns.{p}]", tuple(v.get("sources", ()))) for p, v in data.patterns.items()]
    for where, source_ids in cited:
        yield from citation_problems(source_ids, sources, where)
    for drug in data.drugs.values():
        for table_id in drug.figures.keys() & data.tables.keys():
            missing = set(data.tables[table_id].sources) - set(drug.sources)
            if missing:
                yield (f"drug {drug.id!r} has a {table_id} figure but does not cite "
                       f"{sorted(missing)}")
