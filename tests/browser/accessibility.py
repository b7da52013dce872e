"""Every page type in every language, in a real Chromium: it answers its status with an HTML
document in that language, axe-core finds no violation of any rule it runs by default (WCAG 2.1
A and AA and its best practices), and the Nu Html Checker finds no error in the HTML the server
sent (nor in the stylesheet). Prints what was checked, as JSON; the plan is argv[1]; on
failure, every violation and error with the page it is on."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from axe_playwright_python.sync_playwright import Axe

from browser import html_lang, run, with_lang

VNU = os.path.join(sys.prefix, "vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")


def describe(violation):
    nodes = "\n".join(f"      {n['target']}: {n.get('failureSummary', '')}".replace("\n", " ")
                      for n in violation["nodes"])
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def validate(files):
    """The Nu Html Checker's errors in `files` (HTML, and CSS by extension), by file."""
    out = subprocess.run(
        ["java", "-jar", VNU, "--errors-only", "--also-check-css", "--format", "json", *files],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(out.stderr or '{"messages": []}')["messages"]
    errors = {}
    for m in messages:
        where = m.get("url", "").removeprefix("file:")
        line = f"  {m.get('message')} [{m.get('extract', '').strip()}]"
        errors.setdefault(os.path.basename(where), []).append(line)
    return errors


def main(page, plan):
    axe = Axe()
    failures = []
    checked = []
    saved = []
    folder = tempfile.mkdtemp(prefix="feide-registry-html.")
    for lang in plan["languages"]:
        for p in plan["pages"]:
            url = plan["base"] + with_lang(p["path"], lang)
            answer = page.goto(url)
            where = f"{p['name']} [{lang}] {url}"
            kind = answer.headers.get("content-type", "")
            if answer.status != p["status"] or not kind.startswith("text/html"):
                failures.append(f"{where}: {answer.status} {kind}, not {p['status']} text/html")
                continue
            if html_lang(page) != lang:
                failures.append(f"{where}: <html lang={html_lang(page)!r}>")
            results = axe.run(page).response
            violations = results["violations"]
            if violations:
                failures.append(f"{where}: axe found\n" + "\n".join(map(describe, violations)))
            file = os.path.join(folder, f"{p['name']}.{lang}.html")
            with open(file, "wb") as f:
                f.write(answer.body())
            saved.append(file)
            checked.append({"page": p["name"], "lang": lang, "rules_passed": len(results["passes"])})
    css = page.request.get(plan["base"] + "/assets/site.css")
    if css.status == 200:
        sheet = os.path.join(folder, "site.css")
        with open(sheet, "wb") as f:
            f.write(css.body())
        saved.append(sheet)
    else:
        failures.append(f"/assets/site.css answers {css.status}")
    for name, lines in validate(saved).items():
        failures.append(f"{name}: the Nu Html Checker found\n" + "\n".join(lines))
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        print(f"\n(the HTML as served is in {folder})", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(folder)
    return {"checked": checked, "validated": len(saved)}


if __name__ == "__main__":
    run(main)
