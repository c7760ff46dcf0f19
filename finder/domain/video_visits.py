"""Video visits as the clinic described them on a call, carried to the provider's details.
Pure module.

A provider's "Video visits" detail is what the shortlist filters on and every page shows.
While the user leaves it "Not known", what the clinic said on a call fills it in ("Yes, by
video" with the states named, or "In person only"), marked with the call it was heard on,
and it then follows the calls' latest answer, back to "Not known" if that answer is taken
back. A detail the user set on the provider's form is never changed by a call.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["VIDEO_FIELDS", "video_details_heard", "set_by_hand"]

# The call's answer to "Do you see patients by video …" -> the provider's Video visits.
HEARD = {"yes": "yes", "in_person_only": "no"}
VIDEO_FIELDS = ("telemedicine", "telemedicine_states")
NOT_KNOWN = {"telemedicine": "unknown", "telemedicine_states": [], "video_from_call": None}


def video_details_heard(provider: Mapping, practical: Mapping[str, Mapping]) -> dict[str, Any]:
    """The changes to a provider's Video visits that the latest practical answers over its
    calls bring (as scoring's Standing.practical holds them, each with its call_id); {} for
    none."""
    from_a_call = provider.get("video_from_call") is not None
    if not from_a_call and (provider.get("telemedicine") or "unknown") != "unknown":
        return {}  # the user's own
    answer = practical.get("telemedicine") or {}
    value = HEARD.get(answer.get("option"))
    if value is None:
        return _changes(provider, NOT_KNOWN) if from_a_call else {}
    named = sorted((practical.get("telemedicine_states") or {}).get("states") or [])
    kept = [] if from_a_call else list(provider.get("telemedicine_states") or [])
    states = (named or kept) if value == "yes" else []
    return _changes(provider, {"telemedicine": value, "telemedicine_states": states,
                               "video_from_call": answer.get("call_id")})


def set_by_hand(provider: Mapping, fields: Mapping) -> bool:
    """Whether an edit of the provider's details changes its Video visits: from then on
    they are the user's own."""
    return any(name in fields and fields[name] != provider.get(name) for name in VIDEO_FIELDS)


def _changes(provider: Mapping, wanted: Mapping) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if provider.get(name) != value}
