"""Video visits as the clinic described them on a call, carried to the provider's details.
Pure module.

A provider's "Video visits" detail is what the shortlist filters on and every page shows.
While the user has not set it (it is "Not known", with no states listed), what the clinic
said on a call fills it in ("Yes, by video" with the states named, or "In person only"),
marked with the call it was heard on, and it then follows the calls' latest such answer,
back to "Not known" if that answer is taken back. Once the user changes it on the
provider's form it is theirs ("video_by_hand"), and no call changes it again.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["VIDEO_FIELDS", "video_details_heard", "set_by_hand"]

# The call's answer to "Do you see patients by video …" -> the provider's Video visits.
HEARD = {"yes": "yes", "in_person_only": "no"}
VIDEO_FIELDS = ("telemedicine", "telemedicine_states")
NOT_KNOWN = {"telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}


def video_details_heard(provider: Mapping, calls: Iterable[Mapping]) -> dict[str, Any]:
    """The changes to a provider's Video visits that its calls (oldest first) bring; {}
    for none. Only answers that say something count: a note alone changes nothing."""
    if _users_own(provider):
        return {}
    said, named = None, []
    for call in calls:
        practical = call.get("practical") or {}
        option = (practical.get("telemedicine") or {}).get("option")
        states = (practical.get("telemedicine_states") or {}).get("states")
        if option:
            said = (HEARD.get(option), call["id"])
        elif states and said is None:
            said = ("yes", call["id"])  # states they prescribe in by video: they do video
        named = states or named
    if said is None or said[0] is None:
        return _changes(provider, NOT_KNOWN) if provider.get("video_from_call") else {}
    value, call_id = said
    return _changes(provider, {"telemedicine": value,
                               "telemedicine_states": sorted(named) if value == "yes" else [],
                               "video_from_call": call_id})


def set_by_hand(provider: Mapping, fields: Mapping) -> bool:
    """Whether an edit of the provider's details changes its Video visits: from then on
    they are the user's own."""
    return any(name in fields and fields[name] != provider.get(name) for name in VIDEO_FIELDS)


def _users_own(provider: Mapping) -> bool:
    if provider.get("video_by_hand"):
        return True
    if provider.get("video_from_call"):
        return False
    # Set when the provider was added (or imported): anything but "Not known" and no states.
    return ((provider.get("telemedicine") or "unknown") != "unknown"
            or bool(provider.get("telemedicine_states")))


def _changes(provider: Mapping, wanted: Mapping) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if provider.get(name) != value}
