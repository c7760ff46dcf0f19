"""Build a finder data folder of a given size, for benchmarks and load tests.

    python bench/make_data.py DIR --providers 1000 --calls 5000

Only finder's public surface is used, so that moving modules inside finder/ breaks nothing
here:
- the words and ids in data/*.toml (statuses, states, questions and their options, red flags),
  read with tomllib;
- the command line: `finder serve` on an empty folder once (finder writes its own meta and
  checklist records), `finder export` to read them back, then `finder import FILE --yes` to
  load the generated export file. finder checks the file and scores every provider itself,
  so the standings are the real ones, built by the real rules.

The generated file is in the export format ({"format": "finder-export", "version": 1,
"tables": ...}); the records have the shape the app writes (calls with answers, notes and
red flags; providers with status, state, video states, tags and notes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Ann", "Marco", "Kim", "Priya", "Tom", "Lena", "Omar", "Grace", "Ivan", "Rosa"]
LAST = ["Lee", "Ruiz", "Park", "Shah", "Berg", "Novak", "Haddad", "Okafor", "Silva", "Moreau"]
STAMP = "2026-11-01T10:00:00.000000+00:00"


def finder_command(*arguments: str) -> list[str]:
    """`finder ARGUMENTS` run by this Python (the venv's when run as .venv/bin/python)."""
    return [sys.executable, "-m", "finder", *arguments]


def ctrl_c_stops_it() -> None:
    """For the servers this benchmark starts (preexec_fn): Ctrl+C (SIGINT) stops them even
    when the benchmark itself was started in the background of a shell script, which makes
    its children ignore SIGINT, and a server would then never stop when asked."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_words() -> tuple[dict, dict]:
    """The checklist and the vocabulary as data/ holds them."""
    with open(ROOT / "data" / "checklist.toml", "rb") as file:
        checklist = tomllib.load(file)
    with open(ROOT / "data" / "vocabulary.toml", "rb") as file:
        vocabulary = tomllib.load(file)
    return checklist, vocabulary


def empty_tables() -> dict:
    """The tables finder writes into a new data folder (meta with its schema version and
    rules key, the current checklist), read back through `finder export`."""
    folder = Path(tempfile.mkdtemp(prefix="finder-empty-")) / "data"
    port = free_port()
    server = subprocess.Popen(finder_command("serve", "--port", str(port),
                                             "--data-dir", str(folder)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=ctrl_c_stops_it)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError("finder serve exited on an empty folder")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/finder.css", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("finder serve did not answer on an empty folder")
                time.sleep(0.05)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    exported = subprocess.run(finder_command("export", "--data-dir", str(folder)),
                              check=True, capture_output=True).stdout
    shutil.rmtree(folder.parent, ignore_errors=True)
    return json.loads(exported)["tables"]


def build_export(providers: int, calls: int, seed: int = 1) -> dict:
    """An export file's content: `providers` providers and `calls` calls spread over them
    at random (seeded, so every run builds the same data)."""
    checklist, vocabulary = read_words()
    tables = empty_tables()
    randomness = random.Random(seed)
    ids = lambda name: [item["id"] for item in vocabulary[name]]  # noqa: E731
    states = [state["code"] for state in vocabulary["states"]]
    provider_table = {str(number): _provider(randomness, ids, states, number)
                      for number in range(1, providers + 1)}
    version = checklist["version"]
    call_table = {str(number): _call(randomness, checklist, randomness.randrange(providers) + 1,
                                     version)
                  for number in range(1, calls + 1)}
    meta = tables["meta"]["1"]
    meta["id_counters"] = dict(meta.get("id_counters") or {}, providers=providers, calls=calls)
    tables.update(providers=provider_table, calls=call_table)
    return {"format": "finder-export", "version": 1, "exported_at": STAMP[:19] + "+00:00",
            "tables": tables}


def _provider(randomness, ids, states, number: int) -> dict:
    status = randomness.choice(ids("statuses"))
    return {
        "name": f"Dr {randomness.choice(FIRST)} {randomness.choice(LAST)} {number}",
        "practice": f"{randomness.choice(LAST)} Clinic",
        "specialty": randomness.choice(ids("specialties")), "phone": f"555-{number:07d}",
        "website": "", "city": "Springfield", "state": randomness.choice(states),
        "telemedicine": randomness.choice(["yes", "no", "unknown"]),
        "telemedicine_states": randomness.sample(states, 3),
        "payment": randomness.choice(["insurance", "self_pay", "both", "unknown"]),
        "insurance_plans": "", "referral_source": randomness.choice(ids("referral_sources")),
        "referral_detail": "", "status": status,
        "status_history": [{"status": status, "at": STAMP, "via": "added"}],
        "follow_up_on": randomness.choice(["", "2026-11-20", "2026-12-10"]),
        "tags": randomness.sample(["near", "ask sister", "far away", "video"], 1),
        "notes": "Heard of through a friend. " * randomness.randint(0, 3),
        "cleared_flags": {}, "deleted_at": None, "created_at": STAMP, "updated_at": STAMP,
    }


def _call(randomness, checklist, provider_id: int, version: int) -> dict:
    stamp = "2026-11-02T10:00:00.000000+00:00"
    answers = {}
    for question in checklist["questions"]:
        if randomness.random() < 0.8:
            option = randomness.choice(question["options"])
            answers[question["id"]] = {"option": option["id"], "note": "They said so.",
                                       "at": stamp}
    flags = {}
    if randomness.random() < 0.2:
        flag = randomness.choice(checklist["red_flags"])["id"]
        flags[flag] = {"ticked": True, "note": "", "at": stamp}
    return {
        "provider_id": provider_id, "checklist_version": version,
        "called_at": f"2026-11-{randomness.randint(1, 24):02d}T{randomness.randint(9, 17):02d}:00",
        "spoke_with": randomness.choice(["front_desk", "nurse", "clinician"]),
        "contact_name": "", "outcome": "answered", "follow_up_on": "", "notes": "",
        "answers": answers, "practical": {"wait": {"text": "3 weeks", "at": stamp}},
        "red_flags": flags, "revs": {}, "ended": True, "created_at": stamp,
        "updated_at": stamp,
    }


def write_data_folder(folder: Path, providers: int, calls: int) -> Path:
    """Fill a new data folder through `finder import` and return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    export_file = folder.parent / f"generated-{providers}.json"
    export_file.write_text(json.dumps(build_export(providers, calls), separators=(",", ":")))
    subprocess.run(finder_command("import", str(export_file), "--data-dir", str(folder),
                                  "--yes"), check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONUNBUFFERED="1"))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--calls", type=int, default=500)
    options = parser.parse_args()
    started = time.perf_counter()
    write_data_folder(options.folder, options.providers, options.calls)
    print(f"Wrote {options.providers} providers and {options.calls} calls to {options.folder} "
          f"in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
