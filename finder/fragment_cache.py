"""`{% cache key, ... %} ... {% endcache %}`: a template fragment drawn once and reused.

For markup that depends only on the keys given and the content in data/, such as the main
menu (drawn with some twenty links on every page) or a word explained in place. Whatever the
block shows must follow from its keys and the content, never from the user's data; a key
should name the content's version where there is one (for example checklist.version).
"""

from __future__ import annotations

import threading

from flask import has_request_context, request
from jinja2 import nodes
from jinja2.ext import Extension

__all__ = ["FragmentCache"]

MAX_FRAGMENTS = 4096


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        self._fragments: dict[tuple, str] = {}
        self._lock = threading.Lock()

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        # The block's place in its template is part of the key, so two blocks given the
        # same keys never share a fragment.
        keys = [nodes.Const(parser.name), nodes.Const(lineno)]
        while parser.stream.current.type != "block_end":
            if len(keys) > 2:
                parser.stream.expect("comma")
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.Tuple(keys, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, keys: tuple, caller) -> str:
        # Links inside depend on where the app is mounted.
        key = (request.script_root if has_request_context() else "", *keys)
        fragment = self._fragments.get(key)
        if fragment is None:
            fragment = caller()
            with self._lock:
                if len(self._fragments) >= MAX_FRAGMENTS:
                    self._fragments.clear()
                self._fragments[key] = fragment
        return fragment
