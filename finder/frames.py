"""Markup drawn once with holes in it, the holes filled in on each request.

The call screen shows the same sections for every question, red flag and practical question
of a checklist; between requests only the values in the fields and a few notes change.
Drawn by Jinja on every request they made the page several times slower than the rest of
finder, so their template is rendered once per checklist with a `Frame` as `frame`:

    {{ frame.field(form['notes'], attrs={...}) }}   a field; its value is put in per request
    {{ frame.later('conflict_note', name) }}        a macro of the frame's `later` template,
                                                    called per request with that request's data

Everything else such a template draws must follow from its context and data/ alone.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from flask import current_app, render_template, request
from markupsafe import Markup

from finder.field_html import field_frame, render_field

__all__ = ["Frame", "DrawnFrame", "drawn_frame"]

# Marks a hole while the template is drawn; never part of real markup.
_HOLE = "\x00hole\x00"
_LOCK = threading.Lock()


class _FieldHole:
    def __init__(self, field, kwargs: dict, request_hint: bool):
        self.name = field.name
        self.kwargs = kwargs
        self.request_hint = request_hint
        self.frame = field_frame(field, **kwargs)

    def fill(self, form, later_macros, data: dict) -> str:
        field = form[self.name]
        hint = data["hints"].get(self.name) if self.request_hint else None
        if field.errors or hint:
            return render_field(field, **{**self.kwargs, **({"hint": hint} if hint else {})})
        return self.frame(field)


class _LaterHole:
    def __init__(self, macro_name: str, args: tuple, when: str | None):
        self.macro_name = macro_name
        self.args = args
        self.when = when

    def fill(self, form, later_macros, data: dict) -> str:
        if self.when is not None and not data.get(self.when):
            return ""
        return getattr(later_macros, self.macro_name)(data, *self.args)


class Frame:
    """Given to a frame's template as `frame` while it is drawn; records the holes."""

    def __init__(self):
        self.holes: list[_FieldHole | _LaterHole] = []

    def field(self, field, *, request_hint: bool = False, **kwargs) -> Markup:
        """A field drawn as render_field would, with its value put in per request; with
        `request_hint`, a hint for it may come with the request's data (`hints` by name)."""
        self.holes.append(_FieldHole(field, kwargs, request_hint))
        return Markup(_HOLE)

    def later(self, macro_name: str, *args, when: str | None = None) -> Markup:
        """Markup from a macro of the `later` template, called per request as
        macro(data, *args); with `when`, only if data[when] is not empty."""
        self.holes.append(_LaterHole(macro_name, args, when))
        return Markup(_HOLE)


class DrawnFrame:
    """A frame's fixed markup and its holes, in order."""

    def __init__(self, markup: str, holes: list, later_template: str):
        self.parts = markup.split(_HOLE)
        if len(self.parts) != len(holes) + 1:
            raise ValueError("a frame's template used a hole more than once, or dropped one")
        self.holes = holes
        self.later_template = later_template

    def fill(self, form, **data: Any) -> Markup:
        """The markup for one request: fields from `form`, `data` for the later macros
        (and `hints`, a field's hint by name, for fields drawn with request_hint)."""
        data.setdefault("hints", {})
        data["form"] = form
        later_macros = current_app.jinja_env.get_template(self.later_template).module
        html = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:]):
            html.append(hole.fill(form, later_macros, data))
            html.append(part)
        return Markup("".join(html))


def drawn_frame(template: str, later_template: str, key: tuple,
                draw_context: Callable[[], dict]) -> DrawnFrame:
    """The frame `template` draws with `draw_context()`, drawn once per app, `key` and place
    the app is served from (links depend on it)."""
    frames = current_app.extensions.setdefault("drawn_frames", {})
    full_key = (template, request.script_root, *key)
    drawn = frames.get(full_key)
    if drawn is None:
        frame = Frame()
        markup = render_template(template, frame=frame, **draw_context())
        drawn = DrawnFrame(markup, frame.holes, later_template)
        with _LOCK:
            if len(frames) > 64:
                frames.clear()
            frames[full_key] = drawn
    return drawn
