"""Form fields drawn from frames: the same markup as drawing them afresh, whatever value
comes next, and nothing a visitor posted kept in the cache of frames."""

import re

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import Length

from finder.field_html import _frame, render_field
from finder.form_choices import as_choices


class ExampleForm(FlaskForm):
    pick = RadioField("Pick one", choices=as_choices([("a", "A"), ("b", "B")]))
    many = SelectMultipleField("Pick some", choices=as_choices([("x", "X"), ("y", "Y")]))
    words = StringField("Words", validators=[Length(max=5)])


def form_with(app, **values):
    with app.test_request_context():
        form = ExampleForm(formdata=MultiDict(
            [(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])]),
            meta={"csrf": False})
        form.validate()
        return form


def checked(html: str) -> list[str]:
    return re.findall(r'<input checked[^>]*value="([^"]*)"', html)


def test_each_value_is_drawn_right_whichever_came_before(app):
    for pick, many in [("a", ["x"]), ("b", ["x", "y"]), ("a", []), ("b", ["y"])]:
        form = form_with(app, pick=pick, many=many)
        assert checked(str(render_field(form.pick))) == [pick]
        assert checked(str(render_field(form.many))) == many


def test_typed_text_is_escaped_every_time(app):
    for text in ["<b>", "a&b", '"q"', "<b>"]:
        html = str(render_field(form_with(app, words=text).words, hint="Short"))
        assert 'value="' + text.replace("&", "&amp;").replace("<", "&lt;").replace(
            ">", "&gt;").replace('"', "&#34;") + '"' in html


def test_fields_with_errors_are_drawn_each_time_not_kept(app):
    _frame.cache_clear()
    render_field(form_with(app, words="ok").words)
    kept = _frame.cache_info().currsize
    for text in ["far too long", "longer still, and quoted back?"]:
        form = form_with(app, words=text)
        html = str(render_field(form.words))
        assert "field--invalid" in html and 'aria-invalid="true"' in html
        assert form.words.errors[0] in html
    render_field(form_with(app, words="fine").words, hint="x" * 400)  # a long hint
    assert _frame.cache_info().currsize == kept
