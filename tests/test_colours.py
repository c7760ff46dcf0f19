"""The colours, computed from finder.css: every pair of text and background the pages use
reaches WCAG AA contrast in both themes, focus outlines and field borders reach 3:1, the
dark theme picked by hand is the one the system gets, and nothing moves."""

from __future__ import annotations

import re

import pytest

from support import REPO

CSS = (REPO / "finder" / "static" / "finder.css").read_text(encoding="utf-8")
BACKGROUNDS = ["bg", "surface", "surface-2"]
TINTED = ["good-bg", "partial-bg", "bad-bg", "unclear-bg"]

# Text colour -> the backgrounds it is drawn on somewhere (a muted source under a red flag,
# a link in a disclaimer, a badge's word on its own tint ...): 4.5:1 needed.
TEXT_ON = {
    "text": BACKGROUNDS + TINTED,
    "muted": BACKGROUNDS + TINTED,
    "link": BACKGROUNDS + TINTED,
    "accent": BACKGROUNDS,            # buttons' words and borders
    "good": ["good-bg", *BACKGROUNDS],
    "partial": ["partial-bg", *BACKGROUNDS],
    "bad": ["bad-bg", *BACKGROUNDS],
}
# Not text, but needed to see a control or where focus is: 3:1 needed (WCAG 1.4.11).
OUTLINE_ON = {
    "focus": BACKGROUNDS + TINTED,
    "control-border": BACKGROUNDS,
}


def variables(selector: str) -> dict[str, str]:
    start = CSS.index(selector + " {")
    body = CSS[start:CSS.index("}", start)]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", body))


THEMES = {"light": variables(":root"), "dark": variables('html[data-theme="dark"]')}


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("theme", THEMES)
def test_text_reaches_four_and_a_half_to_one_on_every_background_it_is_used_on(theme):
    colours = THEMES[theme]
    low = [f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
           for fg, backgrounds in TEXT_ON.items() for bg in backgrounds
           if contrast(colours[fg], colours[bg]) < 4.5]
    low += [f"accent-text on accent: {contrast(colours['accent-text'], colours['accent']):.2f}"]\
        if contrast(colours["accent-text"], colours["accent"]) < 4.5 else []
    assert low == []


@pytest.mark.parametrize("theme", THEMES)
def test_focus_outlines_and_field_borders_reach_three_to_one(theme):
    colours = THEMES[theme]
    low = [f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
           for fg, backgrounds in OUTLINE_ON.items() for bg in backgrounds
           if contrast(colours[fg], colours[bg]) < 3]
    assert low == []


def test_fields_and_answer_boxes_use_the_strong_border():
    for selector in ('input[type="text"]', ".choice {", ".site-menu summary {"):
        rule = CSS[CSS.index(selector):]
        rule = rule[:rule.index("}")]
        assert "var(--control-border)" in rule, selector


def test_the_dark_theme_picked_by_hand_is_the_one_the_system_gets():
    media = CSS[CSS.index("@media (prefers-color-scheme: dark)"):]
    automatic = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})",
                                media[:media.index("}")]))
    assert automatic == THEMES["dark"]
    assert set(THEMES["dark"]) == set(THEMES["light"])


def test_nothing_moves_and_nothing_is_fetched_from_elsewhere():
    reduced = CSS[CSS.index("@media (prefers-reduced-motion: reduce)"):]
    assert "animation: none" in reduced[:reduced.index("}")]
    rules = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    outside = re.sub(r"@media \(prefers-reduced-motion: reduce\) \{[^}]*\}\s*\}", "", rules)
    assert not re.search(r"animation|transition|@keyframes|scroll-behavior: smooth", outside)
    assert "@import" not in CSS and "url(" not in CSS
