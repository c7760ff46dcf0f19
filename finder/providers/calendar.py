"""Follow-up dates as an iCalendar file (.ics) for the user's own calendar: one all-day event
a provider, with the phone number and what is still to ask — never the notes, which stay in
finder. No Flask.

Each event's UID is the same for a provider every time, so downloading the file again after
a follow-up date changes moves the event in a calendar instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from icalendar import Calendar, Event

__all__ = ["FollowUp", "follow_up_calendar"]

PRODUCT = "-//finder//follow-ups//EN"
# Any fixed namespace: it only makes each provider's UID stable from one download to the next.
_UID_NAMESPACE = uuid.UUID("6f0c2f39-5d0e-4a53-9a44-2b1f3c1f7c11")


@dataclass(frozen=True)
class FollowUp:
    """What an event holds: who to call back, when, on which number, and what to ask."""

    provider_id: int
    provider_added_at: str
    name: str
    phone: str
    on: dt.date
    to_ask: tuple[str, ...]


def follow_up_calendar(follow_ups: list[FollowUp], now: dt.datetime) -> bytes:
    """The calendar file holding one all-day event per follow-up, stamped `now`."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "finder: calls to make")
    for follow_up in follow_ups:
        calendar.add_component(_event(follow_up, now))
    return calendar.to_ical()


def _event(follow_up: FollowUp, now: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{_uid(follow_up)}@finder")
    event.add("dtstamp", now)
    event.add("dtstart", follow_up.on)
    event.add("dtend", follow_up.on + dt.timedelta(days=1))
    event.add("summary", f"Call back {follow_up.name}")
    event.add("description", _description(follow_up))
    event.add("transp", "TRANSPARENT")  # a reminder, not time taken
    return event


def _uid(follow_up: FollowUp) -> uuid.UUID:
    return uuid.uuid5(_UID_NAMESPACE, f"{follow_up.provider_id} {follow_up.provider_added_at}")


def _description(follow_up: FollowUp) -> str:
    lines = [f"Phone: {follow_up.phone}" if follow_up.phone else "No phone number in finder."]
    if follow_up.to_ask:
        lines += ["", "Still to ask:"] + [f"- {question}" for question in follow_up.to_ask]
    else:
        lines += ["", "Every screening question has an answer: see finder for what is left."]
    return "\n".join(lines)
