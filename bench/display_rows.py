"""The shortlist's rows as plain values, built from an export file's tables, for the two
things finder is compared with: the bare Flask table (bench/baseline_app.py) and Datasette
(bench/peer.py).

The words (status, specialty and verdict labels) come from data/*.toml; the dates and the
score are written the way the shortlist writes them. Nothing here imports finder: these rows
are what another program would have to show, and the benchmark checks that it shows the
same providers as finder did (by id), not that the words are identical.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# finder's "best match first" order (finder/shortlist_filters.py, SORTS["score"]): a verdict
# outranks any score, then the score, then fewer red flags, then the name. Copied so that
# Datasette can show the same first page; peer.py checks the ids shown are the same.
VERDICT_RANK = {"strong": 0, "promising": 1, "incomplete": 2, "not_a_match": 3, "red_flag": 3}


def _labels() -> tuple[dict, dict, dict]:
    with open(ROOT / "data" / "vocabulary.toml", "rb") as file:
        vocabulary = tomllib.load(file)
    with open(ROOT / "data" / "checklist.toml", "rb") as file:
        checklist = tomllib.load(file)
    label = lambda name: {item["id"]: item["label"] for item in vocabulary[name]}  # noqa: E731
    verdicts = {item["id"]: item["label"] for item in checklist["verdict"]["labels"]}
    return label("statuses"), label("specialties"), verdicts


def human_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day:%a} {day.day} {day:%b %Y}"


def human_datetime(iso: str | None) -> str:
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def score_words(standing: dict) -> str:
    if standing.get("verdict") != "incomplete" and standing.get("percent") is not None:
        return f"{standing['percent']} %"
    if standing.get("questions"):
        return f"{standing.get('asked') or 0} of {standing['questions']} asked"
    return "–"


def best_match_key(provider: dict):
    standing = provider.get("standing") or {}
    percent = standing.get("percent")
    return (VERDICT_RANK.get(standing.get("verdict") or "incomplete", 2), percent is None,
            -(percent or 0), len(standing.get("red_flags") or []),
            (provider.get("name") or "").lower())


def display_rows(tables: dict) -> list[dict]:
    """One row per provider not in the trash, in best-match order, with `rank` its place."""
    statuses, specialties, verdicts = _labels()
    providers = [dict(record, id=int(key)) for key, record in tables["providers"].items()
                 if not record.get("deleted_at")]
    providers.sort(key=best_match_key)
    rows = []
    for rank, provider in enumerate(providers, start=1):
        standing = provider.get("standing") or {}
        verdict = standing.get("verdict") or "incomplete"
        video = ""
        if provider.get("telemedicine") == "yes":
            states = ", ".join(provider.get("telemedicine_states") or [])
            video = f"Video: {states}" if states else "Video"
        rows.append({
            "id": provider["id"], "rank": rank, "name": provider.get("name") or "",
            "practice": provider.get("practice") or "",
            "specialty": specialties.get(provider.get("specialty"), ""),
            "tags": list(provider.get("tags") or []),
            "verdict": verdict, "verdict_label": verdicts.get(verdict, verdict),
            "score": score_words(standing) if standing else "–",
            "red_flags": len(standing.get("red_flags") or []),
            "status": provider.get("status") or "",
            "status_label": statuses.get(provider.get("status"), provider.get("status") or ""),
            "follow_up": human_date(provider.get("follow_up_on")),
            "city": provider.get("city") or "", "state": provider.get("state") or "",
            "where": ", ".join(p for p in (provider.get("city"), provider.get("state")) if p),
            "video": video,
            "last_contact": human_datetime(standing.get("last_call_at")) or "–",
        })
    return rows
