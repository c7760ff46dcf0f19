"""Load check: simulated users add providers and save answers against the real server for a
while, then every write the server acknowledged is looked for on disk.

    python bench/load.py                  # 20 users for 60 seconds
    python bench/load.py --users 5 --seconds 10

It fails (exit 1) if any request failed or any acknowledged write is missing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import export_tables, finder_server  # noqa: E402

OPTIONS = ["percent_of_current", "percent_unclear_base", "fixed_mg", "unclear"]


class User(threading.Thread):
    """One person: a browser session adding providers, starting calls, saving answers."""

    def __init__(self, number: int, port: int, deadline: float):
        super().__init__(daemon=True)
        self.number, self.port, self.deadline = number, port, deadline
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie, self.token = "", ""
        self.providers: dict[int, str] = {}      # acknowledged: id -> name
        self.answers: dict[tuple[int, str], str] = {}  # acknowledged: (call, field) -> value
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {}, Cookie=self.cookie) if self.cookie else dict(headers or {})
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        self.latencies.append((time.perf_counter() - started) * 1000)
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return response.status, response.getheader("Location") or "", data

    def run(self):
        try:
            _, _, page = self.request("GET", "/providers/new")
            self.token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
            while time.monotonic() < self.deadline:
                self.one_round()
        except Exception as error:  # a crash of the simulated user is a failure too
            self.failures.append(f"user {self.number}: {error!r}")

    def one_round(self):
        name = f"Dr Load {self.number}-{len(self.providers)}"
        form = urlencode({"csrf_token": self.token, "name": name, "status": "to_call",
                          "telemedicine": "unknown", "payment": "unknown"})
        status, location, _ = self.request("POST", "/providers/new", form,
                                           {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            self.failures.append(f"add provider: HTTP {status}")
            return
        provider_id = int(location.rsplit("/", 1)[1])
        self.providers[provider_id] = name
        status, location, _ = self.request("POST", f"/providers/{provider_id}/calls",
                                           urlencode({"csrf_token": self.token}),
                                           {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            self.failures.append(f"start call: HTTP {status}")
            return
        call_id = int(location.rsplit("/", 1)[1])
        for number in range(6):
            field = "answer-step_size" if number % 2 else "answer_note-step_size"
            value = OPTIONS[number % 4] if number % 2 else f"note {self.number}-{number}"
            body = json.dumps({"name": field, "value": value, "rev": None})
            status, _, _ = self.request("POST", f"/calls/{call_id}/fields", body,
                                        {"Content-Type": "application/json",
                                         "X-CSRFToken": self.token})
            if status == 200:
                self.answers[(call_id, field)] = value
            else:
                self.failures.append(f"autosave: HTTP {status}")


def missing_writes(tables: dict, users: list[User]) -> list[str]:
    """Acknowledged writes not in the data, as `finder export` reads them from disk."""
    providers, calls = tables.get("providers", {}), tables.get("calls", {})
    missing = []
    for user in users:
        for provider_id, name in user.providers.items():
            record = providers.get(str(provider_id))
            if record is None or record["name"] != name:
                missing.append(f"provider {provider_id} ({name})")
        for (call_id, field), value in user.answers.items():
            call = calls.get(str(call_id)) or {}
            answer = (call.get("answers") or {}).get("step_size") or {}
            stored = answer.get("option" if field == "answer-step_size" else "note")
            if stored != value:
                missing.append(f"call {call_id} {field}={value!r} (found {stored!r})")
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="finder-load-")) / "data"
    with finder_server(folder) as server:
        deadline = time.monotonic() + options.seconds
        users = [User(number, server.port, deadline) for number in range(options.users)]
        for user in users:
            user.start()
        for user in users:
            user.join()
    latencies = [ms for user in users for ms in user.latencies]
    failures = [failure for user in users for failure in user.failures]
    missing = missing_writes(export_tables(folder), users)
    acknowledged = sum(len(u.providers) + len(u.answers) for u in users)
    print(f"{options.users} users for {options.seconds:.0f} s: {len(latencies)} requests "
          f"({len(latencies) / options.seconds:.0f}/s), {acknowledged} acknowledged writes")
    print(f"latency p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {sorted(latencies)[int(0.95 * (len(latencies) - 1))]:.1f} ms")
    print(f"failed requests: {len(failures)}; acknowledged writes missing: {len(missing)}")
    for line in (failures + missing)[:10]:
        print("  ", line)
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
