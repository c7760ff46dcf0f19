"""The pages an import leaves behind, in a real browser: the list of imports with their undo,
the preview of rows with a field to fix, and an imported provider's "to fix" note on its
page and its edit form — axe-clean in the light and the dark theme, and on a phone with no
sideways scrolling."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from a11y_support import COLOUR_RULES, axe_violations, themed_context
from browser_support import artifact

LIST = ("Name,Phone,Website,State\n"
        "Dr Kim Park,call me maybe,not a web address,WA\n"
        "Dr Zoe Adams-Castellanos,555-010-7788,zoe.example,Narnia\n"
        ",555-000-1111,,\n")


def preview_a_list(page, base: str, folder) -> str:
    """Upload LIST and choose its columns, as a person would; return the preview's address."""
    path = folder / "shared-list.csv"
    path.write_text(LIST)
    page.goto(base + "/import-export/")
    page.set_input_files("#list_file", str(path))
    page.get_by_role("button", name="Next: choose the columns").click()
    page.get_by_role("button", name="Next: check every row").click()
    page.wait_for_url(re.compile(r"/preview\?"))
    expect(page.get_by_label("Import it, phone and website left empty")).to_be_checked()
    return page.url[len(base):]


def import_a_list(page, base: str, folder) -> None:
    preview_a_list(page, base, folder)
    page.get_by_role("button", name=re.compile(r"^Import 2 ready rows")).first.click()
    expect(page.locator(".flashes")).to_contain_text(
        "Imported 2 providers from shared-list.csv (2 with a field to fix); 1 row left out.")


def problems_on(browser, base: str, pages: dict[str, str]) -> list[str]:
    """Axe's findings (every WCAG A/AA rule in the light theme and on a phone in the dark
    one, the colour rules in the dark theme at laptop width) and sideways scrolling."""
    problems = []
    for theme, width, scheme in [("light", 1280, "light"), ("auto", 1280, "dark"),
                                 ("dark", 375, "light")]:
        context = themed_context(browser, base, theme, width, color_scheme=scheme)
        page = context.new_page()
        try:
            for name, url in pages.items():
                page.goto(base + url)
                where = f"{name} [{theme}, {width} px]"
                if theme == "auto":
                    problems += axe_violations(page, where, tags=(), rules=COLOUR_RULES)
                else:
                    problems += axe_violations(page, where)
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    problems.append(f"{where}: the page scrolls sideways")
                shot = re.sub(r"\W+", "-", f"{name}-{theme}-{width}")
                page.screenshot(path=artifact(f"imports-{shot}.png"), full_page=True)
        finally:
            context.close()
    return problems


def test_import_pages_and_to_fix_notes_pass_axe_in_both_themes_and_fit_a_phone(
        server, browser, tmp_path):
    setup = browser.new_context()
    try:
        preview = preview_a_list(setup.new_page(), server.url, tmp_path)
        problems = problems_on(browser, server.url, {"preview with rows to fix": preview})
        import_a_list(setup.new_page(), server.url, tmp_path)
    finally:
        setup.close()
    park = server.store().all("providers")[0]
    assert park["name"] == "Dr Kim Park" and set(park["to_fix"]) == {"phone", "website"}
    problems += problems_on(browser, server.url, {
        "imports listed": "/import-export/#imports",
        "provider to fix": f"/providers/{park['id']}",
        "edit form to fix": f"/providers/{park['id']}/edit"})
    assert not problems, "\n".join(problems)


def test_an_import_is_undone_from_the_list_and_then_says_so(server, browser, tmp_path):
    context = browser.new_context()
    try:
        page = context.new_page()
        import_a_list(page, server.url, tmp_path)
        page.goto(server.url + "/import-export/")
        imports = page.get_by_role("region", name="Lists you imported")
        expect(imports).to_contain_text(
            re.compile(r"shared-list\.csv, imported \w{3} \d+ \w{3} \d{4}, \d\d:\d\d: "
                       r"2 providers from 3 rows, 2 with a field to fix\."))
        imports.get_by_role("button", name="Undo this import").click()
        expect(page.locator(".flashes")).to_contain_text(
            "Moved the 2 imported providers to the trash.")
        expect(page.get_by_role("region", name="Lists you imported")).to_contain_text(
            "Undone: its providers are in the trash.")
    finally:
        context.close()
