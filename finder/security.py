"""The checks every request passes: the form token (CSRF) and what happens when it has
expired, the served-host check, the sign-in required when finder is reachable from other
machines (the pages themselves are finder.sign_in), security headers, and redirect targets
that stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Flask, current_app, g, jsonify, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import SecurityError

__all__ = ["init_app", "replays_form_on_expired_token", "safe_next", "LOOPBACK_NAMES",
           "SIGN_IN_PAGE"]

csrf = CSRFProtect()
SIGN_IN_PAGE = "sign_in.sign_in"  # the one page open to all when a password is required

# Host names a browser on this computer uses for finder. (Werkzeug's trusted-host check
# cannot match IPv6 literals, so finder is served on IPv4 loopback.)
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
    csrf.init_app(app)  # also gives templates csrf_token()
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = list(LOOPBACK_NAMES)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", 60 * 60 * 24 * 365)
    app.before_request(_require_sign_in)
    app.before_request(_keep_session)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _expired_token)
    app.register_error_handler(SecurityError, _unknown_host)


def _keep_session() -> None:
    # A persistent session keeps the form token valid across browser restarts.
    session.permanent = True


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


def _unknown_host(error):
    message = ("finder refused this request because it was addressed to a host name it does "
               "not serve. Open finder with the address it printed when it started.")
    return message, 400, {"Content-Type": "text/plain; charset=utf-8"}


# -- expired or missing form tokens --------------------------------------------------------


def replays_form_on_expired_token(view):
    """Mark a form view as safe to run again when its token has expired: its own form
    validation (or finder.form_parts.confirmed) fails too, so nothing changes. A form comes
    back with everything typed, asking to save again; a confirm button's view that
    redirects to the button's page answers with a page linking back to it."""
    view.replays_form_on_expired_token = True
    return view


def _expired_token(error: CSRFError):
    if request.is_json:
        return jsonify(error="expired_token", csrf_token=generate_csrf(),
                       message="This page's security token had expired. Saving again."), 400
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "replays_form_on_expired_token", False):
        g.expired_token = True
        response = current_app.make_response(view(**(request.view_args or {})))
        if not response.location:
            response.status_code = 400
            return response
        # A button whose page was open too long: nothing typed to keep; a way back to it.
        return render_template("errors/expired_token.html", typed=[],
                               back=response.location), 400
    typed = [(key, value) for key, value in request.form.items(multi=True)
             if key != "csrf_token" and value.strip()]
    return render_template("errors/expired_token.html", typed=typed, back=None), 400


# -- sign-in when finder is served beyond this machine ------------------------------------


def _require_sign_in():
    if not current_app.config.get("PASSWORD_REQUIRED"):
        return None
    if request.routing_exception is not None:
        return None  # e.g. a refused host name: let its own calm answer through
    if session.get("signed_in") or request.endpoint in (SIGN_IN_PAGE, "static"):
        return None
    return redirect(url_for(SIGN_IN_PAGE, next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """A redirect target that stays on this site: a path, never another host."""
    if not target:
        return url_for("shortlist.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("shortlist.index")
    return target
