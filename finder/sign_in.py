"""Signing in and out, needed when finder is served beyond this computer with a password
(`finder set-password`): the gate every request passes first, the owner as Flask-Login
sees them, the sign-in and sign-out pages, and the brake on guessing the password.

The signed-in state is Flask-Login's, kept in the server-side session (finder.sessions).
The owner's id is made from the stored password hash and a count of sign-outs, so setting a
new password (from another process, with `finder set-password`) or signing out anywhere
ends every session at its next request; a restart ends them too, since sessions live in
memory.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from dataclasses import dataclass, field

from flask import (Blueprint, Flask, current_app, flash, jsonify, redirect, render_template,
                   request, session, url_for)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import SecurityError
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import InputRequired

from finder.data_folder import read_password_hash
from finder.form_parts import typed_values
from finder.domain.words import plural
from finder.security import (SIGN_IN_PAGE, csrf, replays_form_on_expired_token, safe_next,
                             wants_json)
from finder.sessions import end_signed_in_sessions

__all__ = ["bp", "init_app", "require_sign_in", "GuessingBrake", "signed_out"]

bp = Blueprint("sign_in", __name__)
login_manager = LoginManager()
PUBLIC_ENDPOINTS = {"static", SIGN_IN_PAGE}  # what a signed-out client may reach
SIGNED_OUT = ("You are signed out: finder restarted, its password was changed, someone "
              "signed out, or this browser was away for a long time. Sign in, then send it "
              "again. Nothing was changed.")


class SignInForm(FlaskForm):
    password = PasswordField("Password", validators=[InputRequired()])


class Owner(UserMixin):
    """The one person finder serves, as Flask-Login knows them."""

    def __init__(self, owner_id: str):
        self.id = owner_id


@dataclass
class SignInState:
    brake: "GuessingBrake"
    sign_outs: int = 0
    checking: threading.Lock = field(default_factory=threading.Lock)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.extensions["sign_in"] = SignInState(GuessingBrake())


def _state() -> SignInState:
    return current_app.extensions["sign_in"]


def _owner_id() -> str | None:
    """The id a signed-in session must hold now; None while no password is set."""
    try:
        stored = read_password_hash(current_app.config["DATA_DIR"])
    except OSError:
        return None  # unreadable: nobody is let in
    if not stored:
        return None
    text = f"{_state().sign_outs}|{stored}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@login_manager.user_loader
def _load_owner(user_id: str) -> Owner | None:
    current = _owner_id()
    if current is None or not hmac.compare_digest(str(user_id), current):
        return None
    return Owner(current)


def signed_out() -> bool:
    """True when finder asks for a password and this request's session has not given it."""
    return bool(current_app.config.get("PASSWORD_REQUIRED")) and \
        not current_user.is_authenticated


# -- the gate: before anything else, even the form token check -----------------------------


def require_sign_in():
    """A signed-out client reaches only the sign-in page and the style sheets: any other
    address (one that does not exist included) answers with the way to sign in, before any
    view, form token check or error page could show a byte of the user's data."""
    if not signed_out():
        return None
    if isinstance(request.routing_exception, SecurityError):
        return None  # a refused host name: its own plain answer, which holds nothing
    if request.routing_exception is None and request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for(SIGN_IN_PAGE, next=request.full_path.rstrip("?")))
    if wants_json():
        return jsonify(error="signed_out", message=SIGNED_OUT), 401
    rule = request.url_rule
    back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return render_template("sign_in/form.html", form=SignInForm(), next=back,
                           typed=typed_values(request.form), signed_out_message=SIGNED_OUT), 401


# -- the pages ------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@replays_form_on_expired_token
def sign_in():
    form = SignInForm()
    target = request.args.get("next")
    client = request.remote_addr or "unknown"
    brake = _state().brake
    if request.method == "POST" and (wait := brake.wait(client)):
        return _too_many_tries(form, target, wait)
    if form.validate_on_submit():
        right = _password_is_right(form.password.data)
        if right is None:  # another try is being checked this moment
            return _too_many_tries(form, target, 1)
        if right:
            brake.succeeded(client)
            current_app.session_interface.regenerate(session)  # an id seen before is void
            login_user(Owner(_owner_id()))
            return redirect(safe_next(target))
        brake.failed(client)
        form.password.errors.append("That password is not right. Try again.")
        wait = brake.wait(client)
        if wait > 2:
            form.password.errors.append(f"The next try can be made in {_seconds(wait)}.")
    status = 400 if form.errors else 200
    return render_template("sign_in/form.html", form=form, next=target), status


def _password_is_right(password: str) -> bool | None:
    """Check one password at a time (each check takes a tenth of a second of hard work), so
    guesses sent at once cannot slow finder down for the signed-in user. None when busy."""
    checking = _state().checking
    if not checking.acquire(blocking=False):
        return None
    try:
        stored = read_password_hash(current_app.config["DATA_DIR"])
        return bool(stored) and check_password_hash(stored, password)
    finally:
        checking.release()


def _too_many_tries(form, target, wait: float):
    seconds = max(1, math.ceil(wait))
    refusal = (f"Too many wrong passwords were tried. Wait {_seconds(seconds)}, then try "
               "again. (Nothing was checked this time.)")
    return render_template("sign_in/form.html", form=form, next=target, refusal=refusal), \
        429, {"Retry-After": str(seconds)}


def _seconds(wait: float) -> str:
    seconds = max(1, math.ceil(wait))
    if seconds < 120:
        return plural(seconds, "second")
    return f"{math.ceil(seconds / 60)} minutes"


@bp.route("/sign-out", methods=["POST"])
@csrf.exempt  # only a signed-in browser gets here, and it must work from a page open for hours
def sign_out():
    """Sign out on every device: every signed-in session ends."""
    logout_user()
    _state().sign_outs += 1
    end_signed_in_sessions(current_app)
    flash("Signed out on every device.")
    return redirect(url_for(SIGN_IN_PAGE))


# -- the brake on guessing ---------------------------------------------------------------


class GuessingBrake:
    """Wrong passwords cost time, for whoever sends them and, once there are many, for
    everyone: after the nth wrong password from one address, that address waits 2**(n-1)
    seconds before it may try again; after the nth wrong password from anywhere past the
    first OVERALL_FREE, every address waits 2**(n-OVERALL_FREE-1) seconds. Waits stop at
    MAX_WAIT. A right password clears its address's count and the overall one; an address
    quiet for a day, or everyone quiet for an hour, starts again from nothing.

    A try made too early is refused at once (429), without checking the password, so a flood
    of guesses costs finder nothing and takes no time from the signed-in user's saves."""

    OVERALL_FREE = 10
    MAX_WAIT = 15 * 60
    FORGET_ADDRESS_AFTER = 24 * 3600
    FORGET_OVERALL_AFTER = 3600
    ADDRESSES_KEPT = 10_000

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._by_address: dict[str, tuple[int, float]] = {}  # failures, time of the last
        self._overall: tuple[int, float] = (0, 0.0)

    def wait(self, address: str) -> float:
        """Seconds before this address may try a password; 0 if it may now."""
        now = self.clock()
        with self._lock:
            own = self._delay(self._by_address.get(address), 0, self.FORGET_ADDRESS_AFTER, now)
            overall = self._delay(self._overall, self.OVERALL_FREE, self.FORGET_OVERALL_AFTER,
                                  now)
        return max(own, overall, 0.0)

    def failed(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            failures, last = self._by_address.pop(address, (0, now))
            if now - last > self.FORGET_ADDRESS_AFTER:
                failures = 0
            self._by_address[address] = (failures + 1, now)
            overall, last = self._overall
            if now - last > self.FORGET_OVERALL_AFTER:
                overall = 0
            self._overall = (overall + 1, now)
            if len(self._by_address) > self.ADDRESSES_KEPT:
                for old in list(self._by_address)[: self.ADDRESSES_KEPT // 2]:
                    del self._by_address[old]  # the longest quiet (dicts keep order)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._by_address.pop(address, None)
            self._overall = (0, 0.0)

    def _delay(self, record, free: int, forget_after: float, now: float) -> float:
        if record is None:
            return 0.0
        failures, last = record
        if failures <= free or now - last > forget_after:
            return 0.0
        return min(2.0 ** (failures - free - 1), self.MAX_WAIT) - (now - last)


@bp.app_context_processor
def _sign_in_state() -> dict:
    """For the header and footer: nothing of the user's (not even where the data folder is)
    on a page drawn for a signed-out client; a Sign out button for a signed-in one."""
    password_mode = bool(current_app.config.get("PASSWORD_REQUIRED"))
    return {"signed_out": signed_out(),
            "may_sign_out": password_mode and current_user.is_authenticated}
