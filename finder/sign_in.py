"""Signing in and out, needed when finder is served beyond this machine with a password
(`finder set-password`); finder.security sends every other request here until then."""

from __future__ import annotations

import time

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import InputRequired

from finder.data_folder import read_password_hash
from finder.security import SIGN_IN_PAGE, replays_form_on_expired_token, safe_next

__all__ = ["bp"]

bp = Blueprint("sign_in", __name__)


class SignInForm(FlaskForm):
    password = PasswordField("Password", validators=[InputRequired()])


@bp.route("/sign-in", methods=["GET", "POST"])
@replays_form_on_expired_token
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        stored = read_password_hash(current_app.config["DATA_DIR"])
        if stored and check_password_hash(stored, form.password.data):
            session.clear()
            session["signed_in"] = True
            session.permanent = True
            return redirect(safe_next(request.args.get("next")))
        time.sleep(1)  # slows down guessing
        form.password.errors.append("That password is not right. Try again.")
    status = 400 if form.errors else 200
    return render_template("sign_in/form.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    session.pop("signed_in", None)
    flash("Signed out.")
    return redirect(url_for(SIGN_IN_PAGE))
