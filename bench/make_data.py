"""Build a finder data folder of a given size, for benchmarks and load tests.

Records have the shape the app writes (scored calls, provider summaries), built in memory and
written as one snapshot: going through the app would take minutes of fsyncs at 25,000 calls.

    python bench/make_data.py DIR --providers 1000 --calls 5000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from finder import bundled_path
from finder.content import load_content
from finder.domain.scoring import SCORING_REVISION, standing_for, summary_of
from finder.store import SCHEMA_VERSION
from finder.store.snapshot import INTEGRITY_TABLE, SnapshotStorage

FIRST = ["Ann", "Marco", "Kim", "Priya", "Tom", "Lena", "Omar", "Grace", "Ivan", "Rosa"]
LAST = ["Lee", "Ruiz", "Park", "Shah", "Berg", "Novak", "Haddad", "Okafor", "Silva", "Moreau"]


def build_tables(providers: int, calls: int, seed: int = 1) -> dict:
    """Tables for `providers` providers and `calls` calls spread over them."""
    content = load_content(bundled_path("data"))
    checklist, vocabulary = content.checklist, content.vocabulary
    randomness = random.Random(seed)
    states = [code for code, _ in vocabulary.state_choices()]
    provider_table, call_table = {}, {}
    per_provider = [[] for _ in range(providers)]
    for call_id in range(1, calls + 1):
        owner = randomness.randrange(providers)
        call = _call(randomness, checklist, owner + 1, call_id)
        call_table[str(call_id)] = call
        per_provider[owner].append(dict(call, id=call_id))
    for index in range(providers):
        provider_id = index + 1
        standing = standing_for(per_provider[index], lambda v: checklist, {}, current=checklist)
        last = max((c["called_at"] for c in per_provider[index]), default=None)
        provider_table[str(provider_id)] = _provider(randomness, vocabulary, states, index,
                                                     summary_of(standing, last))
    meta = {"schema_version": SCHEMA_VERSION,
            "id_counters": {"providers": providers, "calls": calls, "checklists": 1},
            "standings_built_by": f"{SCORING_REVISION}/{checklist.version}"}
    return {"meta": {"1": meta}, "checklists": {"1": {"version": checklist.version,
                                                      "data": checklist.data}},
            "providers": provider_table, "calls": call_table}


def _provider(randomness, vocabulary, states, index, standing) -> dict:
    stamp = "2026-11-01T10:00:00.000000+00:00"
    status = randomness.choice(vocabulary.ids("statuses"))
    return {
        "name": f"Dr {randomness.choice(FIRST)} {randomness.choice(LAST)} {index}",
        "practice": f"{randomness.choice(LAST)} Clinic", "specialty":
        randomness.choice(vocabulary.ids("specialties")), "phone": f"555-{index:07d}",
        "website": "", "city": "Springfield", "state": randomness.choice(states),
        "telemedicine": randomness.choice(["yes", "no", "unknown"]),
        "telemedicine_states": randomness.sample(states, 3),
        "payment": randomness.choice(["insurance", "self_pay", "both", "unknown"]),
        "insurance_plans": "", "referral_source": randomness.choice(
            vocabulary.ids("referral_sources")), "referral_detail": "", "status": status,
        "status_history": [{"status": status, "at": stamp, "via": "added"}],
        "follow_up_on": randomness.choice(["", "2026-11-20", "2026-12-10"]),
        "tags": randomness.sample(["near", "ask sister", "far away", "video"], 1),
        "notes": "Heard of through a friend. " * randomness.randint(0, 3),
        "cleared_flags": {}, "deleted_at": None, "created_at": stamp, "updated_at": stamp,
        "standing": standing,
    }


def _call(randomness, checklist, provider_id, call_id) -> dict:
    stamp = "2026-11-02T10:00:00.000000+00:00"
    answers = {}
    for question in checklist.questions.values():
        if randomness.random() < 0.8:
            option = randomness.choice(question["options"])
            answers[question["id"]] = {"option": option["id"], "note": "They said so.",
                                       "at": stamp}
    flags = {}
    if randomness.random() < 0.2:
        flag = randomness.choice(list(checklist.red_flags))
        flags[flag] = {"ticked": True, "note": "", "at": stamp}
    return {
        "provider_id": provider_id, "checklist_version": checklist.version,
        "called_at": f"2026-11-{randomness.randint(1, 24):02d}T{randomness.randint(9, 17):02d}:00",
        "spoke_with": randomness.choice(["front_desk", "nurse", "clinician"]),
        "contact_name": "", "outcome": "answered", "follow_up_on": "", "notes": "",
        "answers": answers, "practical": {"wait": {"text": "3 weeks", "at": stamp}},
        "red_flags": flags, "revs": {}, "ended": True, "created_at": stamp,
        "updated_at": stamp,
    }


def write_data_folder(folder: Path, providers: int, calls: int) -> Path:
    """Write the snapshot of a new data folder and return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    tables = build_tables(providers, calls)
    (folder / "finder.journal").write_bytes(b"")
    snapshot = {**tables, INTEGRITY_TABLE: {"1": {"sequence": 0}}}
    SnapshotStorage(folder / "finder.json").write(snapshot)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--calls", type=int, default=500)
    options = parser.parse_args()
    write_data_folder(options.folder, options.providers, options.calls)
    print(f"Wrote {options.providers} providers and {options.calls} calls to {options.folder}")


if __name__ == "__main__":
    main()
