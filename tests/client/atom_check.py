"""Parses Atom feeds with feedparser, the parser feed readers use, and prints what a reader sees
of each as JSON (one object per file given): whether it was well formed (`bozo`), the feed's id,
title and self link, and each entry's id, title, alternate link, updated time and summary. Run by
tests/api/atom.rs with the interpreter scripts/feed-python prepares."""

import json
import sys

import feedparser


def entry(e):
    return {
        "id": e.get("id"),
        "title": e.get("title"),
        # feedparser makes only an HTML alternate the entry's `link`; ours is the JSON resource
        "link": next((l["href"] for l in e.get("links", []) if l.get("rel") == "alternate"), None),
        "updated": e.get("updated"),
        "summary": e.get("summary"),
    }


def feed(path):
    with open(path, "rb") as f:
        parsed = feedparser.parse(f.read())
    self_links = [l["href"] for l in parsed.feed.get("links", []) if l.get("rel") == "self"]
    return {
        "bozo": int(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "version": parsed.version,
        "id": parsed.feed.get("id"),
        "title": parsed.feed.get("title"),
        "self": self_links[0] if self_links else None,
        "updated": parsed.feed.get("updated"),
        "entries": [entry(e) for e in parsed.entries],
    }


print(json.dumps([feed(p) for p in sys.argv[1:]]))
