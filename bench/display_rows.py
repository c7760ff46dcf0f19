"""The shortlist's rows as plain values, built from an export file's tables, for the two
things finder is compared with: the bare Flask table (bench/baseline_app.py) and Datasette
(bench/peer.py).

The words (status, specialty and verdict labels) come from data/*.toml; the dates and the
score are written the way the shortlist writes them (finder/shortlist/rows.py). Nothing here
imports finder: these rows are what another program would have to show. The benchmark checks
that the other program shows the same providers as finder did (by id, in order), and for the
bare table that its rows are the same markup, character for character.

Each row also carries, as plain columns, the value of each of finder's filters (status,
verdict, red flags, score band, states, video visits, specialty, payment, how heard of,
follow-up, tags), so that Datasette can facet on the same filters.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# finder's "best match first" order (finder/domain/shortlist_entries.py, best_match_key): a
# verdict outranks any score, Incomplete last; then the higher stored score (none last), then
# fewer red flags, then the name. Copied so that Datasette can show the same first page; the
# benchmark checks the ids shown are the same.
VERDICT_RANK = {"strong": 0, "promising": 1, "not_a_match": 2, "red_flag": 2, "incomplete": 3}


def _words() -> dict[str, dict[str, str]]:
    with open(ROOT / "data" / "vocabulary.toml", "rb") as file:
        vocabulary = tomllib.load(file)
    with open(ROOT / "data" / "checklist.toml", "rb") as file:
        checklist = tomllib.load(file)
    words = {name: {item["id"]: item["label"] for item in vocabulary[name]}
             for name in ("statuses", "specialties")}
    words["verdicts"] = {item["id"]: item["label"] for item in checklist["verdict"]["labels"]}
    return words


def short_date(iso: str | None) -> str:
    """'2026-11-25' -> '25 Nov 2026', as finder's narrow columns write it."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%b %Y}"


def human_datetime(iso: str | None) -> str:
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def score_words(verdict: str, standing: dict) -> str:
    if verdict != "incomplete" and standing.get("percent") is not None:
        return f"{standing['percent']} %"
    if standing.get("questions"):
        return f"{standing.get('asked') or 0} of {standing['questions']} asked"
    return "no score yet"


def score_band(percent: int | None) -> str:
    if percent is None:
        return "unscored"
    return "80-100" if percent >= 80 else "50-79" if percent >= 50 else "0-49"


def best_match_key(provider: dict):
    standing = provider.get("standing") or {}
    verdict = standing.get("verdict") or "incomplete"
    percent = standing.get("percent")
    score = 999 if percent is None else 100 - max(0, min(int(percent), 100))
    return (VERDICT_RANK.get(verdict, 2), score, len(standing.get("red_flags") or []),
            (provider.get("name") or "").casefold(), provider["id"])


def display_rows(tables: dict, today: dt.date | None = None) -> list[dict]:
    """One row per provider not in the trash, in best-match order, with `rank` its place."""
    words = _words()
    today_iso = (today or dt.date.today()).isoformat()
    providers = [dict(record, id=int(key)) for key, record in tables["providers"].items()
                 if not record.get("deleted_at")]
    providers.sort(key=best_match_key)
    return [_row(provider, rank, words, today_iso)
            for rank, provider in enumerate(providers, start=1)]


def _row(provider: dict, rank: int, words: dict, today: str) -> dict:
    standing = provider.get("standing") or {}
    verdict = standing.get("verdict") or "incomplete"
    percent = None if verdict == "incomplete" else standing.get("percent")
    telemedicine = provider.get("telemedicine") or "unknown"
    remote = list(provider.get("telemedicine_states") or [])
    video = ""
    if telemedicine == "yes":
        video = f"Video: {', '.join(remote)}" if remote else "Video"
    where = ", ".join(p for p in (provider.get("city"), provider.get("state")) if p)
    specialty = words["specialties"].get(provider.get("specialty"), "")
    follow_up_on = provider.get("follow_up_on") or ""
    scored = percent is not None or standing.get("asked")
    return {
        "id": provider["id"], "rank": rank, "name": provider.get("name") or "",
        "practice": provider.get("practice") or "",
        "details": " · ".join(part for part in (specialty, where, video) if part),
        "specialty": specialty, "place": where, "video": video,
        "tags": list(provider.get("tags") or []),
        "verdict": verdict, "verdict_label": words["verdicts"].get(verdict) or verdict,
        "score": score_words(verdict, standing) if scored else "–",
        "red_flags": len(standing.get("red_flags") or []),
        "status": provider.get("status") or "",
        "status_label": (words["statuses"].get(provider.get("status"))
                         or provider.get("status") or ""),
        "follow_up": short_date(follow_up_on),
        "last_contact": short_date(standing.get("last_call_at")) or "–",
        "last_contact_in_full": human_datetime(standing.get("last_call_at")),
        # finder's filters, one column each (the multi-valued ones as lists).
        "red_flag_band": "any" if standing.get("red_flags") else "none",
        "score_band": score_band(percent),
        "states": list(dict.fromkeys([provider.get("state") or ""]
                                     + (remote if telemedicine == "yes" else []))),
        "telemedicine": telemedicine,
        "payment": provider.get("payment") or "unknown",
        "referral": provider.get("referral_source") or "",
        "follow_up_band": ("none" if not follow_up_on else
                           "due" if follow_up_on <= today else "later"),
    }
