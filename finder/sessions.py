"""Sessions: Flask's signed cookies, each cookie checked once and then remembered.

A browser sends the same session cookie with every request, and checking its signature and
decoding it again each time was a third of the cost of a small page. A cookie that has
passed the check is remembered, with its contents, until it would expire: the same cookie
is then worth exactly what it was worth before, as with Flask's own sessions.
"""

from __future__ import annotations

import copy
import threading
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

__all__ = ["RememberedCookieSessions"]


class RememberedCookieSessions(SecureCookieSessionInterface):
    KEPT = 256

    def __init__(self):
        # (signing key, cookie) -> (when it expires, what it holds)
        self._checked: dict[tuple, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        key = (app.secret_key, cookie)
        checked = self._checked.get(key)
        if checked is not None and checked[0] > time.time():
            # A copy: a request may change what the session holds (a flashed message).
            return self.session_class(copy.deepcopy(checked[1]))
        serializer = self.get_signing_serializer(app)
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        try:
            contents, signed_at = serializer.loads(cookie, max_age=lifetime,
                                                   return_timestamp=True)
        except BadSignature:
            return self.session_class()
        with self._lock:
            if len(self._checked) >= self.KEPT:
                self._checked.clear()
            self._checked[key] = (signed_at.timestamp() + lifetime, contents)
        return self.session_class(copy.deepcopy(contents))
