"""Which column of a shared list goes into which provider field, and how a row's cells become
what the provider form would have been sent. Pure module: no Flask.

The mapping is guessed from header names (Name or Clinician, Phone, Practice or Clinic …) and
the user can change each one. Cell values are read generously — a state's name or code, a
label or an id, "yes"/"no"/"telehealth" — and anything still not understood is left for the
provider form's own validators to refuse, so imported rows follow the same rules as the add
form.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from finder.transfer.spreadsheet import restore_cell

__all__ = ["TARGETS", "IGNORE", "MANY_ALLOWED", "guess_mapping", "mapping_problems",
           "form_data", "normalise_header"]

IGNORE = ""

# Where a column can go: (provider field, words shown). The words match the provider form's
# labels, and the shortlist CSV export uses them as its headers, so an exported list is
# recognised column by column when it is imported again.
TARGETS: list[tuple[str, str]] = [
    ("name", "Name"),
    ("practice", "Practice or clinic"),
    ("phone", "Phone"),
    ("website", "Website"),
    ("city", "City or town"),
    ("state", "State"),
    ("specialty", "Specialty"),
    ("telemedicine", "Video visits"),
    ("telemedicine_states", "States covered by video"),
    ("payment", "Insurance or self-pay"),
    ("insurance_plans", "Plans taken, or cost"),
    ("referral_source", "How you heard of them"),
    ("referral_detail", "Who suggested them, or where"),
    ("status", "Status"),
    ("follow_up_on", "Follow-up date"),
    ("tags", "Your tags"),
    ("notes", "Notes"),
]
TARGET_LABELS = dict(TARGETS)
MANY_ALLOWED = {"notes", "tags"}  # several columns may be joined into these

# Header words (after normalise_header) that say where a column goes.
HEADER_WORDS: dict[str, list[str]] = {
    "name": ["name", "clinician", "clinician name", "provider", "provider name", "doctor",
             "prescriber", "full name", "practitioner"],
    "practice": ["practice", "practice or clinic", "clinic", "practice name", "clinic name",
                 "organisation", "organization", "office"],
    "phone": ["phone", "phone number", "telephone", "tel", "phone no", "number", "contact number"],
    "website": ["website", "web site", "web", "url", "site", "web address"],
    "city": ["city", "town", "city or town"],
    "state": ["state", "st", "us state"],
    "specialty": ["specialty", "speciality", "specialties", "field"],
    "telemedicine": ["video visits", "telemedicine", "telehealth", "video", "virtual",
                     "virtual visits", "remote"],
    "telemedicine_states": ["states covered by video", "telemedicine states", "video states",
                            "telehealth states", "states covered", "licensed states"],
    "payment": ["insurance or self pay", "payment", "self pay"],
    "insurance_plans": ["plans taken or cost", "insurance", "plans", "cost", "fees", "fee",
                        "insurance plans"],
    "referral_source": ["how you heard of them", "referral source", "source", "heard of through",
                        "how heard", "referral"],
    "referral_detail": ["who suggested them or where", "referred by", "suggested by",
                        "recommended by", "who suggested"],
    "status": ["status"],
    "follow_up_on": ["follow up date", "follow up", "next call", "call back on"],
    "tags": ["your tags", "tags", "tag", "labels"],
    "notes": ["notes", "note", "comments", "comment", "remarks", "details"],
}
_WORD_TO_TARGET = {word: target for target, words in HEADER_WORDS.items() for word in words}

YES = {"yes", "y", "true", "1", "offered", "video", "telehealth", "telemedicine", "virtual",
       "online", "remote"}
NO = {"no", "n", "false", "0", "in person only", "in person", "not offered", "none"}
UNKNOWN = {"", "unknown", "not known", "?", "unsure", "not sure", "maybe"}
PAYMENT_WORDS = {
    "insurance": {"insurance", "takes insurance", "insured"},
    "self_pay": {"self pay", "self pay only", "cash", "private", "private pay", "out of pocket"},
    "both": {"both", "either", "insurance or self pay", "insurance and self pay"},
    "unknown": UNKNOWN,
}


def normalise_header(text: str) -> str:
    """'Follow-up date ' -> 'follow up date': case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).replace("_", " ").split())


def guess_mapping(header: list[str]) -> list[str]:
    """For each column, the field it most likely holds, or IGNORE. A field is guessed for the
    first column that names it (notes and tags may take several)."""
    taken: set[str] = set()
    mapping = []
    for cell in header:
        target = _WORD_TO_TARGET.get(normalise_header(cell), IGNORE)
        if target and target in taken and target not in MANY_ALLOWED:
            target = IGNORE
        taken.add(target)
        mapping.append(target)
    return mapping


def mapping_problems(mapping: list[str]) -> list[str]:
    """What stops a mapping from being used, in words (empty when it is fine)."""
    problems = []
    if "name" not in mapping:
        problems.append("Choose the column that holds each clinician’s name: finder needs a "
                        "name for every provider.")
    for target, label in TARGETS:
        if target not in MANY_ALLOWED and mapping.count(target) > 1:
            columns = [str(i + 1) for i, t in enumerate(mapping) if t == target]
            problems.append(f"Columns {' and '.join(columns)} both go into “{label}”. Choose "
                            "one, and set the other to “Leave out”.")
    return problems


def form_data(cells: list[str], mapping: list[str], vocabulary) -> MultiDict:
    """A row as the provider form would receive it: values read generously, defaults for
    the fields the add form always sends."""
    collected: dict[str, list[str]] = {}
    for cell, target in zip(cells, mapping):
        value = restore_cell(cell.strip())
        if target and value:
            collected.setdefault(target, []).append(value)
    first = {target: values[0] for target, values in collected.items()}
    data = MultiDict()
    for target in ("name", "practice", "phone", "website", "city", "insurance_plans",
                   "referral_detail", "follow_up_on"):
        if target in first:
            data[target] = first[target]
    data["state"] = _one_of(first.get("state", ""), vocabulary.state_choices())
    data["specialty"] = _one_of(first.get("specialty", ""), vocabulary.choices("specialties"),
                                prefix=True)
    data["referral_source"] = _one_of(first.get("referral_source", ""),
                                      vocabulary.choices("referral_sources"), prefix=True)
    data["status"] = _one_of(first.get("status", ""), vocabulary.choices("statuses")) \
        or "to_call"
    data["telemedicine"] = _telemedicine(first.get("telemedicine", ""))
    data["payment"] = _payment(first.get("payment", ""))
    for state in _states(first.get("telemedicine_states", ""), vocabulary.state_choices()):
        data.add("telemedicine_states", state)
    if "tags" in collected:
        data["tags"] = ", ".join(v.replace(";", ",") for v in collected["tags"])
    if "notes" in collected:
        data["notes"] = "\n".join(collected["notes"])
    return data


def _key(text: str) -> str:
    return normalise_header(text)


def _one_of(value: str, choices: list[tuple[str, str]], prefix: bool = False) -> str:
    """The id for a value given as an id or a label (any case). With prefix, also a word that
    starts like exactly one label ("Psychiatrist" -> psychiatry). Unknown values come back
    as they were, for the form to refuse."""
    key = _key(value)
    if not key:
        return ""
    for choice_id, label in choices:
        if key in (_key(choice_id), _key(label)):
            return choice_id
    if prefix and len(key) >= 6:
        starts = [choice_id for choice_id, label in choices if _key(label).startswith(key[:6])]
        if len(starts) == 1:
            return starts[0]
    return value


def _telemedicine(value: str) -> str:
    key = _key(value)
    if key in YES:
        return "yes"
    if key in NO:
        return "no"
    if key in UNKNOWN:
        return "unknown"
    return value


def _payment(value: str) -> str:
    key = _key(value)
    for payment, words in PAYMENT_WORDS.items():
        if key in words or key == payment.replace("_", " "):
            return payment
    return value


def _states(value: str, choices: list[tuple[str, str]]) -> list[str]:
    """State codes from "CA, OR", "California; Oregon" or "CA OR"; unknown parts kept."""
    found = []
    for part in (p.strip() for p in re.split(r"[,;/|]", value)):
        if not part:
            continue
        code = _one_of(part, choices)
        if code != part or part in dict(choices):
            found.append(code)
        else:
            words = part.split()
            codes = [_one_of(w, choices) for w in words]
            found += codes if all(c in dict(choices) for c in codes) else [part]
    return list(dict.fromkeys(found))
