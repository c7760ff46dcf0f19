"""Sessions kept on the server, in this process's memory: the browser's cookie holds only a
random session id, named for finder and its port.

A session holds the form-token secret, the messages shown after a save (which name
clinicians) and, when finder asks for a password, who signed in. Built on Flask-Session's
cachelib interface with cachelib's in-memory SimpleCache, rather than its file backend:

- nothing personal is written to disk, and a full or read-only disk cannot break a session;
- a restart ends every session, so that stopping finder is a sure way to sign everyone out
  (form tokens die with it too; a form sent with an old token comes back with everything
  typed, asking to save again, and the call screen fetches a new token by itself);
- a signed-in session is kept apart from the rest, so that no stream of new sessions from
  the network (each visit to the sign-in page makes one) can push it out of the cache.

A session ends SESSION_IDLE_LIMIT after its last request (each request moves the limit on).
"""

from __future__ import annotations

import datetime as dt

from cachelib import SimpleCache
from flask import Flask
from flask_session.cachelib import CacheLibSessionInterface

__all__ = ["init_app", "cookie_name", "SESSION_IDLE_LIMIT", "end_signed_in_sessions"]

SESSION_IDLE_LIMIT = dt.timedelta(hours=12)
# How many sessions are kept: a few per device of the one user, and room for visitors.
SIGNED_IN_KEPT, OTHERS_KEPT = 50, 2000
SIGNED_IN_KEY = "_user_id"  # Flask-Login's, set only by signing in


def cookie_name(port: int | None = None) -> str:
    """finder's session cookie, with the port: browsers share cookies between ports, so two
    finders on one computer would otherwise overwrite each other's sessions."""
    return f"finder_session_{port}" if port else "finder_session"


class MemorySessions(CacheLibSessionInterface):
    """Flask-Session's cachelib interface over two in-memory caches: signed-in sessions, and
    every other session."""

    def __init__(self):
        super().__init__(client=SimpleCache(threshold=OTHERS_KEPT), permanent=True)
        self.signed_in = SimpleCache(threshold=SIGNED_IN_KEPT)

    def _retrieve_session_data(self, store_id: str):
        found = self.signed_in.get(store_id)
        return found if found is not None else self.cache.get(store_id)

    def _delete_session(self, store_id: str) -> None:
        self.signed_in.delete(store_id)
        self.cache.delete(store_id)

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        keep, drop = ((self.signed_in, self.cache) if SIGNED_IN_KEY in session
                      else (self.cache, self.signed_in))
        keep.set(store_id, dict(session), timeout=int(session_lifetime.total_seconds()))
        drop.delete(store_id)


def init_app(app: Flask) -> None:
    """Keep the app's sessions in memory (the cookie's name and the idle limit are set with
    the app's other defaults in create_app)."""
    app.session_interface = MemorySessions()


def end_signed_in_sessions(app: Flask) -> None:
    """Forget every signed-in session (sign-out ends them all, on every device)."""
    app.session_interface.signed_in.clear()
