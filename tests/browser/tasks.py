"""A user's tasks in a real Chromium against the running registry: search from the home page,
open a profile, compare two services and build a report by choosing them in the pages' forms,
switch language, print the report to PDF and find every chosen service in it, and reach a
profile with the keyboard alone. Prints the tasks done, as JSON; the plan is argv[1]."""

import io
import os

from pypdf import PdfReader

from browser import expect, focused, html_lang, links_to, path_of, query_of, run


def search(page, plan):
    target = plan["search"]
    page.goto(plan["base"] + "/")
    page.fill("#q", target["q"])
    page.locator('form[role="search"] [type="submit"]').click()
    page.wait_for_url(lambda url: "q=" in url)
    expect(query_of(page.url).get("q") == [target["q"]], f"the query is kept: {page.url}")
    hits = links_to(page.locator("ul.results"), f"/services/{target['id']}")
    expect(hits, f"a result links to /services/{target['id']}")
    expect(target["name"] in hits[0].inner_text(), f"the result shows {target['name']!r}")
    return hits[0]


def filter_by_facet(page, plan):
    """A facet's first value narrows the results, and is shown chosen."""
    page.goto(plan["base"] + "/")
    before = page.locator("ul.results > li").count()
    facet = page.locator('section[aria-labelledby="facet-country"] a').first
    facet.click()
    page.wait_for_url(lambda url: "country=" in url)
    chosen = page.locator('section[aria-labelledby="facet-country"] a[aria-current="true"]')
    expect(chosen.count() == 1, "the chosen country is marked")
    after = page.locator("ul.results > li").count()
    expect(0 < after <= before, f"{after} of {before} services have data in that country")


def open_profile(page, plan, link):
    target = plan["search"]
    link.click()
    page.wait_for_url(lambda url: path_of(url) == f"/services/{target['id']}")
    expect(page.locator("h1").inner_text().strip() == target["name"], "the profile's heading")
    for section in plan["service_sections"]:
        expect(page.locator(f"#{section}").count() == 1, f"the profile has #{section}")


def choose(page, form_path, services, table, header_scope):
    """Finds each of `services` by name with the chooser's search at `form_path` and ticks it
    (the search keeps what is ticked), submits, and answers the headers of `table` in the
    resulting page."""
    page.goto(form_path)
    for s in services:
        page.locator("#find-q").fill(s["name"])
        page.locator("#find-q").press("Enter")
        page.wait_for_url(lambda url: query_of(url).get("q") == [s["name"]])
        box = page.locator(f'input[type="checkbox"][name="services"][value="{s["id"]}"]')
        expect(box.count() == 1, f"one checkbox for {s['id']} after finding it")
        box.check()
    for s in services:
        box = page.locator(f'input[type="checkbox"][name="services"][value="{s["id"]}"]')
        expect(box.is_checked(), f"{s['id']} is still ticked after the searches")
    page.locator("form.choose button.primary").click()
    page.wait_for_url(lambda url: query_of(url).get("services") and not query_of(url).get("step"))
    chosen = query_of(page.url)["services"]
    expect(sorted(chosen) == sorted(s["id"] for s in services), f"the form sent {chosen}")
    return [h.inner_text().strip() for h in page.locator(f"table.{table} th[scope={header_scope}]").all()]


def compare(page, plan):
    services = plan["compare"]
    heads = choose(page, plan["base"] + "/compare", services, "compare", "col")
    for s in services:
        expect(any(s["name"] in h for h in heads), f"{s['name']} heads a column: {heads}")
    rows = page.locator("table.compare th[scope=row]").count()
    expect(rows > 0, "the comparison has facts in rows")


def report(page, plan, screenshots):
    services = plan["report"]
    heads = choose(page, plan["base"] + "/report", services, "report", "row")
    for s in services:
        expect(any(s["name"] in h for h in heads), f"{s['name']} has a row: {heads}")
    csv = page.locator('a.download[type="text/csv"]')
    expect(csv.count() >= 1, "the report links its CSV")
    answer = page.request.get(csv.first.evaluate("a => a.href"))
    expect(answer.status == 200, f"the CSV answers {answer.status}")
    for s in services:
        expect(s["id"] in answer.text(), f"{s['id']} is in the CSV:\n{answer.text()[:1000]}")
    record = page.locator('a.download.record[type="text/csv"]')
    expect(record.count() == 1, "the report links a draft record of processing")
    answer = page.request.get(record.evaluate("a => a.href"))
    kind = answer.headers.get("content-type", "")
    expect(answer.status == 200 and kind.startswith("text/csv"), f"the record: {answer.status} {kind}")
    if screenshots:
        shoot(page, screenshots, "report.png")

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    flat = " ".join(text.split())
    for s in services:
        expect(s["name"] in flat, f"{s['name']} is in the printed report:\n{text[:2000]}")


def switch_language(page, plan):
    target = plan["search"]
    path = f"/services/{target['id']}"
    page.goto(plan["base"] + path)
    expect(html_lang(page) == "nb", "Norwegian Bokmål unless asked")
    for lang in ["en", "nn", "nb"]:
        page.locator(f'nav.lang-switch a[hreflang="{lang}"]').click()
        page.wait_for_url(lambda url: query_of(url).get("lang") == [lang])
        expect(path_of(page.url) == path, f"the switch to {lang} keeps the page: {page.url}")
        expect(html_lang(page) == lang, f"<html lang> is {lang}")
        current = page.locator('nav.lang-switch [aria-current="true"]')
        expect(current.get_attribute("hreflang") == lang, f"{lang} is marked current")
        expect(page.locator("h1").inner_text().strip() == target["name"], "the same profile")
    # a form keeps the language too
    page.locator('nav.lang-switch a[hreflang="en"]').click()
    page.wait_for_url(lambda url: query_of(url).get("lang") == ["en"])
    page.goto(plan["base"] + "/?lang=en")
    page.fill("#q", target["q"])
    page.locator('form[role="search"] [type="submit"]').click()
    page.wait_for_url(lambda url: "q=" in url)
    expect(html_lang(page) == "en", f"the search keeps English: {page.url}")


def tab_until(page, wanted, limit):
    """Presses Tab until the focused element is `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"not reached in {limit} presses of Tab; at {focused(page)}")


def keyboard_to_comparison(page, plan):
    """The comparison chosen with Tab, Space and Enter only."""
    services = plan["compare"]
    page.goto(plan["base"] + "/compare")
    for s in services:
        tab_until(page, lambda f, s=s: f["tag"] == "input" and f["value"] == s["id"], 80)
        page.keyboard.press("Space")
    tab_until(page, lambda f: f["type"] == "submit", 80)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: query_of(url).get("services"))
    chosen = sorted(query_of(page.url)["services"])
    expect(chosen == sorted(s["id"] for s in services), f"the keyboard chose {chosen}")


def keyboard_to_profile(page, plan):
    """From the home page to a profile with Tab, Enter and typed letters only."""
    target = plan["search"]
    page.goto(plan["base"] + "/")
    page.keyboard.press("Tab")
    first = focused(page)
    expect("skip-link" in first["cls"], f"the skip link is focused first: {first}")
    box = page.locator(".skip-link").bounding_box()
    expect(box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1, f"and shown: {box}")
    page.keyboard.press("Enter")
    expect(page.url.endswith("#main"), f"the skip link leads to #main: {page.url}")

    tab_until(page, lambda f: f["id"] == "q", 30)
    page.keyboard.type(target["q"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=" in url)
    profile = f"/services/{target['id']}"
    tab_until(page, lambda f: f["inResults"] and f["href"] and path_of(f["href"]) == profile, 150)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: path_of(url) == profile)
    expect(page.locator("h1").inner_text().strip() == target["name"], "the profile opened")


def shoot(page, folder, name):
    """The top of the page, at most 1400 pixels of it, as a README shows it; written whole or not
    at all (both engines' runs write the same files)."""
    os.makedirs(folder, exist_ok=True)
    height = min(page.evaluate("document.documentElement.scrollHeight"), 1400)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
    tmp = os.path.join(folder, f".{name}.{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(page.screenshot(full_page=True, clip=clip))
    os.replace(tmp, os.path.join(folder, name))


def main(page, plan):
    screenshots = plan.get("screenshots")
    done = []
    if screenshots:
        page.goto(plan["base"] + "/")
        shoot(page, screenshots, "home.png")
    filter_by_facet(page, plan)
    done.append("filter by a facet")
    link = search(page, plan)
    done.append("search")
    open_profile(page, plan, link)
    done.append("open a profile")
    if screenshots:
        shoot(page, screenshots, "service.png")
    compare(page, plan)
    done.append("compare two services")
    report(page, plan, screenshots)
    done.append("build a report and print it")
    switch_language(page, plan)
    done.append("switch language")
    keyboard_to_profile(page, plan)
    done.append("keyboard only to a profile")
    keyboard_to_comparison(page, plan)
    done.append("keyboard only to a comparison")
    return {"done": done}


if __name__ == "__main__":
    run(main)
