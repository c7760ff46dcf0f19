"""The Jinja filters and globals every template may use: dates, counts and scores in words
(finder.domain.words, finder.domain.scoring) and the words for an answer's signal."""

from __future__ import annotations

from flask import Flask

from finder.domain.scoring import score_words
from finder.domain.words import (first_upper, human_date, human_datetime, plural, short_date,
                                 via_words)

__all__ = ["init_app", "SIGNAL_WORDS"]

# How an answer's signal (data/checklist.toml) reads on a badge: the call screen's own words.
SIGNAL_WORDS = {"good": "Good sign", "partial": "Partly good", "bad": "Warning sign",
                "unclear": "Unclear", "orientation": "Needs orientation"}


def init_app(app: Flask) -> None:
    for word_filter in (human_date, short_date, human_datetime, first_upper, plural,
                        score_words, via_words):
        app.add_template_filter(word_filter)
    app.jinja_env.globals["signal_words"] = SIGNAL_WORDS
