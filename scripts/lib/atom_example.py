"""Reads an Atom feed on stdin and writes it as an OpenAPI example: the first two entries, the
registry's address and every time fixed, so the example changes only when the feed does."""
import datetime
import re
import sys

BASE = "https://registry.example.no"
FIXED_TIME = "2026-11-25T08:00:00Z"
FIXED_DAY = datetime.date(2026, 11, 25)
TODAY = datetime.datetime.now(datetime.timezone.utc).date()


def shifted(match):
    """A date counted from the day of the run (effective dates, deadlines), counted from
    FIXED_DAY instead."""
    day = datetime.date.fromisoformat(match.group(0))
    return (FIXED_DAY + (day - TODAY)).isoformat()


feed = sys.stdin.read()
feed = re.sub(r"http://127\.0\.0\.1:\d+", BASE, feed)
feed = feed.replace("tag:127.0.0.1,", "tag:registry.example.no,")
feed = re.sub(r"<(updated|published)>[^<]*</\1>", rf"<\1>{FIXED_TIME}</\1>", feed)
feed = re.sub(r"ann-[a-z0-9]{10}", "ann-3k9d2mf7qx", feed)
feed = re.sub(r"(?<![\d:T-])\d{4}-\d{2}-\d{2}(?![\dT])", shifted, feed)
head, _, rest = feed.partition("  <entry>")
entries = re.findall(r"  <entry>.*?</entry>\n", "  <entry>" + rest, flags=re.S) if rest else []
sys.stdout.write(head + "".join(entries[:2]) + "</feed>\n")
