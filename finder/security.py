"""The checks every request passes, in this order: the served-host check, the sign-in
required when finder is reachable from other machines (finder.sign_in), the form token
(CSRF) and what happens when it has expired; then security headers on every answer, and
redirect targets that stay on this site."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from flask import (Flask, Response, abort, current_app, g, jsonify, render_template,
                   request, url_for)
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException, SecurityError

from finder.form_parts import typed_values

__all__ = ["init_app", "replays_form_on_expired_token", "replayable_view", "replay",
           "takes_json", "safe_next", "wants_json", "LOOPBACK_NAMES", "SIGN_IN_PAGE"]

csrf = CSRFProtect()
SIGN_IN_PAGE = "sign_in.sign_in"  # the one page open to all when a password is required

# Host names a browser on this computer uses for finder. The names the app answers to are
# HOST_NAMES; finder checks them itself rather than with Flask's TRUSTED_HOSTS, whose check
# cannot match an IPv6 address such as [::1].
LOOPBACK_NAMES = ["127.0.0.1", "localhost"]

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    from finder.sign_in import require_sign_in

    app.json = IncomingJSON(app)

    if app.config.get("HOST_NAMES") is None:
        app.config["HOST_NAMES"] = list(LOOPBACK_NAMES)
    # Each name in one spelling, worked out once rather than on every request.
    app.config["HOST_KEYS"] = frozenset(_host_key(name) for name in app.config["HOST_NAMES"])
    app.before_request(_check_host)
    # Sign-in next, before the form token is even looked at: a signed-out client must never
    # reach a view, not even one the expired-token answer below runs again.
    app.before_request(require_sign_in)
    app.before_request(_forms_are_sent_as_forms)
    csrf.init_app(app)  # its check runs next; it also gives templates csrf_token()
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _expired_token)
    app.register_error_handler(SecurityError, _unknown_host)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.endpoint != "static":
        # Pages hold private health information: never keep them in a cache.
        headers["Cache-Control"] = "no-store"
    return response


def _check_host():
    """Refuse a request addressed to a name finder does not serve (DNS rebinding)."""
    if isinstance(request.routing_exception, SecurityError):
        return _unknown_host(request.routing_exception)  # not even a host name
    if _host_key(request.host) not in current_app.config["HOST_KEYS"]:
        return _unknown_host(None)
    return None


def _host_key(host: str) -> str:
    """A Host header's name, without its port, as one spelling: [::1]:5000 gives ::1."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.rstrip(".")


def _unknown_host(error):
    message = ("finder refused this request because it was addressed to a host name it does "
               "not serve. Open finder with the address it printed when it started.")
    return message, 400, {"Content-Type": "text/plain; charset=utf-8"}


# -- JSON only where JSON is read -----------------------------------------------------------


def takes_json(view):
    """Mark a view that reads a JSON body itself (the call screen's autosave). Every other
    view's forms are sent as forms."""
    view.takes_json = True
    return view


def _forms_are_sent_as_forms():
    """Refuse a JSON body sent to a form's address (415). Flask-WTF would fill the form
    from it, and JSON that is not an object of strings (false, "0", a list, a nested
    object) made every such form, the sign-in form among them, answer 500."""
    if not request.is_json or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "takes_json", False):
        return None
    abort(415, description="finder's forms are sent from its pages, not as JSON. Nothing was "
                           "changed: use the page's own fields and buttons.")


# -- expired or missing form tokens --------------------------------------------------------


def replays_form_on_expired_token(view):
    """Mark a form view as safe to run again when its token has expired: its own form
    validation (or finder.form_parts.confirmed) fails too, so nothing changes. A form comes
    back with everything typed, asking to save again; a confirm button's view that
    redirects to the button's page answers with a page linking back to it."""
    view.replays_form_on_expired_token = True
    return view


def replayable_view():
    """This request's view if it is marked with replays_form_on_expired_token, else None."""
    view = current_app.view_functions.get(request.endpoint)
    return view if getattr(view, "replays_form_on_expired_token", False) else None


def replay(view, status: int) -> tuple[Response | None, str | None]:
    """Run a marked view again, its form or confirm button now refused so that it writes
    nothing: (its page, given `status`, None), or (None, the address it sent the browser
    back to). Its exceptions are the caller's."""
    response = current_app.make_response(view(**(request.view_args or {})))
    if response.location:
        return None, response.location
    response.status_code = status
    return response, None


def wants_json() -> bool:
    """Whether this request's answer should be JSON (the call screen's autosave), not a
    page."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _expired_token(error: CSRFError):
    if request.is_json:
        return jsonify(error="expired_token", csrf_token=generate_csrf(),
                       message="This page's security token had expired. Saving again."), 400
    view = replayable_view()
    if view is not None:
        g.expired_token = True
        try:
            page, back = replay(view, 400)
        except HTTPException as gone:  # e.g. an import already done: its own calm answer
            return current_app.handle_http_exception(gone)
        if page is not None:
            return page
        # A button whose page was open too long: nothing typed to keep; a way back to it.
        return render_template("errors/expired_token.html", typed=[], back=back), 400
    return render_template("errors/expired_token.html", typed=typed_values(request.form),
                           back=None), 400


def safe_next(target: str | None) -> str:
    """A redirect target that stays on this site: a path, never another host, and nothing
    that could not go in a header (a line break would end it)."""
    if not target or _CONTROL.search(target):
        return url_for("shortlist.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("shortlist.index")
    return target


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- JSON sent to finder ----------------------------------------------------------------

MAX_JSON_DEPTH = 32
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class IncomingJSON(DefaultJSONProvider):
    """JSON as requests send it (the autosave), made safe to keep: nested no deeper than
    MAX_JSON_DEPTH (deeper is not JSON finder reads, so the request gets its 400 rather than
    exhausting Python's recursion), and a lone UTF-16 surrogate (half of a character, which
    a browser sends as \\ud83d when text was cut inside an emoji, and which no file can
    hold) replaced by U+FFFD, so the rest of the answer is saved."""

    def loads(self, s, **kwargs):
        try:
            return _whole(super().loads(s, **kwargs), 0)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _whole(value, depth: int):
    if depth > MAX_JSON_DEPTH:
        raise ValueError("JSON nested too deeply")
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_whole(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {_whole(key, depth + 1): _whole(item, depth + 1) for key, item in value.items()}
    return value
