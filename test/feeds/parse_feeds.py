# Parses feeds with implementations independent of paperboy's and prints what they saw as JSON.
# RSS and Atom: Python's feedparser ("bozo" set on any well-formedness problem). JSON Feed 1.1
# (which this feedparser version does not read): Python's json module plus the spec's required
# members (https://www.jsonfeed.org/version/1.1/). Input on stdin: a JSON list of {"body": "..."}.
import json
import sys
from datetime import datetime

import feedparser


def rfc3339(value):
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except (AttributeError, ValueError):
        return False


def json_feed(body):
    problems = []
    try:
        d = json.loads(body)
    except ValueError as e:
        return {"bozo": True, "bozo_exception": str(e), "version": "", "title": None, "link": None, "entries": []}
    if d.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(d.get("title"), str):
        problems.append("title")
    if not isinstance(d.get("items"), list):
        problems.append("items")
    entries = []
    for item in d.get("items") or []:
        if not isinstance(item.get("id"), str):
            problems.append("item id")
        if not isinstance(item.get("content_html"), str) and not isinstance(item.get("content_text"), str):
            problems.append("item content")
        for key in ("date_published", "date_modified"):
            if key in item and not rfc3339(item[key]):
                problems.append("item " + key)
        entries.append({
            "id": item.get("id"),
            "title": item.get("title"),
            "link": item.get("url"),
            "published": item.get("date_published"),
            "published_parsed": rfc3339(item.get("date_published")),
            "authors": [a.get("name") for a in item.get("authors", [])],
            "tags": item.get("tags", []),
            "summary": item.get("summary"),
        })
    return {"bozo": bool(problems), "bozo_exception": ", ".join(problems), "version": "json11", "title": d.get("title"), "link": d.get("home_page_url"), "entries": entries}


def xml_feed(body):
    d = feedparser.parse(body.encode("utf-8"))
    return {
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.version,
        "title": d.feed.get("title"),
        "link": d.feed.get("link"),
        "entries": [
            {
                "id": e.get("id"),
                "title": e.get("title"),
                "link": e.get("link"),
                "published": e.get("published"),
                "published_parsed": bool(e.get("published_parsed")),
                "authors": [a.get("name") for a in e.get("authors", [])],
                "tags": [t.get("term") for t in e.get("tags", [])],
                "summary": e.get("summary"),
            }
            for e in d.entries
        ],
    }


feeds = json.load(sys.stdin)
json.dump([json_feed(f["body"]) if f["body"].lstrip().startswith("{") else xml_feed(f["body"]) for f in feeds], sys.stdout)
