"""Helpers for the accessibility tests: axe-core in the page, the three ways a theme is
chosen, and checks of keyboard focus."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA that axe-core knows.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_AXE = Axe()


# Rules outside WCAG that catch what the issue asks for too: headings in order, content
# inside landmarks, landmarks told apart by their names.
STRUCTURE_RULES = ["heading-order", "page-has-heading-one", "region", "landmark-unique",
                   "landmark-one-main", "landmark-no-duplicate-banner",
                   "landmark-no-duplicate-contentinfo", "landmark-banner-is-top-level",
                   "landmark-main-is-top-level", "empty-heading", "skip-link"]
# Only these depend on the colours: all that a second theme on the same layout needs.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def themed_context(browser, base_url: str, theme_cookie: str, width: int,
                   color_scheme: str = "light"):
    """A browser profile with the theme chosen in the header (its cookie), a window
    `width` CSS pixels wide, and the system's colour scheme."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=color_scheme)
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "finder_theme", "value": theme_cookie, "url": base_url}])
    return context


def axe_violations(page, where: str, tags=WCAG_TAGS, rules=()) -> list[str]:
    """One line per element that breaks a rule — rule, impact, target, page — running the
    axe rules with these tags and these rule ids (by default every WCAG 2.2 A/AA rule)."""
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.evaluate(_AXE.axe_script)
    options = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": list(tags)} if tags else
               {"type": "rule", "values": list(rules)},
               "rules": {rule: {"enabled": True} for rule in rules}}
    results = page.evaluate("options => axe.run(document, options)", options)
    lines = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) at {target} — "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
    return lines


FOCUS_STATE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return {lost: true};
  }
  const style = getComputedStyle(element);
  const width = parseFloat(style.outlineWidth) || 0;  // a date field's calendar button: see CSS
  return {
    lost: false,
    visible: style.outlineStyle !== 'none' && width >= 2,
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    focusVisible: element.matches(':focus-visible'),
    description: element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + ' "' + (element.innerText || element.value || element.getAttribute('aria-label') || '')
        .trim().slice(0, 40) + '"',
  };
}"""


def focus_state(page) -> dict:
    """Where keyboard focus is and whether its outline can be seen."""
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page, step: str) -> dict:
    state = focus_state(page)
    assert not state["lost"], f"{step}: focus was lost to the page body"
    assert state["visible"], f"{step}: no visible focus on {state['description']} ({state['outline']})"
    return state


# Focuses every element a keyboard user can reach, in turn, and reports those whose focus
# cannot be seen. Run after one real key press, so the browser treats focus as keyboard focus
# (:focus-visible) as it does when tabbing.
EVERY_FOCUS = """() => {
  const reachable = Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'))
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length
            && getComputedStyle(el).visibility !== 'hidden');
  const unseen = [];
  for (const element of reachable) {
    element.focus({preventScroll: true});
    if (document.activeElement !== element) { continue; }
    const style = getComputedStyle(element);
    if (style.outlineStyle === 'none' || (parseFloat(style.outlineWidth) || 0) < 2) {
      unseen.push(element.outerHTML.slice(0, 120));
    }
  }
  return {count: reachable.length, unseen: unseen};
}"""


def unseen_focus(page) -> dict:
    page.keyboard.press("Shift")  # a key press: focus from now on is keyboard focus
    return page.evaluate(EVERY_FOCUS)
