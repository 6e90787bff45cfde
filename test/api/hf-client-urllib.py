"""The huggingface_hub contract again, from Python with only the standard library.

The official client cannot be installed here, so this script sends the requests its HfApi methods send
(urllib instead of httpx) and reads each answer the way its PaperInfo does, with Python's own json
and the client's one datetime format for strptime. What the client does is described, with the
source and commits it was read from, in hf-client-request.ts next to this file.

Usage: python3 hf-client-urllib.py BASE_URL   (run by hf-client-python.test.ts; exit 0 when all hold)
"""
import gzip
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from datetime import datetime, timezone

CLIENT_DATETIME = "%Y-%m-%dT%H:%M:%S.%fZ"
HF_TOKEN = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"
BASE = sys.argv[1]


def fetch(path, params=(), hub=False, token=None):
    """One GET as the client sends it: parameters in its order, None left out, spaces as '+'."""
    query = urllib.parse.urlencode([(k, v) for k, v in params if v is not None])
    headers = {
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
        "User-Agent": "unknown/None; hf_hub/1.1.0; python/3" if hub else "python-httpx/0.28.1",
        "X-Amzn-Trace-Id": str(uuid.uuid4()),
    }
    if hub and token:
        headers["authorization"] = "Bearer " + token
    request = urllib.request.Request(BASE + path + ("?" + query if query else ""), headers=headers)
    try:
        with urllib.request.urlopen(request) as res:
            status, res_headers, raw = res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        status, res_headers, raw = err.code, err.headers, err.read()
    encoding = res_headers.get("Content-Encoding")
    if encoding == "gzip":
        raw = gzip.decompress(raw)
    elif encoding == "deflate":
        raw = zlib.decompress(raw)
    return status, res_headers, raw.decode("utf-8")


def client_time(value):
    """The client's only date parse: anything else raises ValueError."""
    return datetime.strptime(value, CLIENT_DATETIME).replace(tzinfo=timezone.utc)


def truthy_or(first_source, first_key, second_source, second_key):
    """The client's `a.pop(k) or b.pop(k)`: the second key is only consumed when the first is falsy."""
    value = first_source.pop(first_key, None)
    return value if value else second_source.pop(second_key, None)


def read_user(value, where):
    assert isinstance(value, dict), f"{where}: a user must be an object"
    for org in value.get("orgs", []):
        assert isinstance(org, dict), f"{where}.orgs: must be a list of objects"
    return value.get("user", ""), value.get("fullname", "")


def read_paper_info(obj, where):
    """PaperInfo's view of one JSON object (our own model of it, see hf-client-request.ts)."""
    assert isinstance(obj, dict), f"{where}: must be an object"
    rest = dict(obj)
    paper = rest.pop("paper", {})
    assert isinstance(paper, dict), f"{where}.paper: must be an object"
    paper = dict(paper)
    info = {"id": rest.pop("id", None) or paper.pop("id", None)}
    authors = truthy_or(paper, "authors", rest, "authors")
    for i, author in enumerate(authors or []):
        assert isinstance(author, dict), f"{where}.authors[{i}]: must be an object"
    info["authors"] = [a.get("name") for a in authors] if authors else None
    published = truthy_or(paper, "publishedAt", rest, "publishedAt")
    info["published_at"] = client_time(published) if published else None
    info["title"] = rest.pop("title", None)
    info["summary"] = truthy_or(paper, "summary", rest, "summary")
    info["upvotes"] = truthy_or(paper, "upvotes", rest, "upvotes")
    info["discussion_id"] = truthy_or(paper, "discussionId", rest, "discussionId")
    info["comments"] = rest.pop("numComments", 0)
    submitted = truthy_or(rest, "publishedAt", rest, "submittedOnDailyAt")
    info["submitted_at"] = client_time(submitted) if submitted else None
    by = truthy_or(rest, "submittedBy", rest, "submittedOnDailyBy")
    info["submitted_by"] = read_user(by, f"{where}.submittedBy") if by else None
    for key, attribute in (("ai_summary", "ai_summary"), ("ai_keywords", "ai_keywords"), ("githubRepo", "github_repo"),
                           ("githubStars", "github_stars"), ("projectPage", "project_page")):
        info[attribute] = rest.pop(key, None)
    for key, value in rest.items():  # left-over keys become attributes and replace parsed ones
        assert key not in info or value == info[key], f"{where}.{key}: left over, would overwrite {info[key]!r}"
    return info


def read_list(status, body, where):
    assert status == 200, f"{where}: status {status}: {body[:200]}"
    items = json.loads(body)
    assert isinstance(items, list), f"{where}: must be a JSON array"
    return {item["id"]: item for item in (read_paper_info(obj, f"{where}[{i}]") for i, obj in enumerate(items))}


def error_message(status, body):
    assert status >= 400
    data = json.loads(body)
    assert isinstance(data, dict), "a JSON error body must be an object"
    return data.get("error")


def at(text):
    return client_time(text)


checks = []


def check(name, fn):
    try:
        fn()
        checks.append((name, None))
    except Exception as err:  # report every failure, not just the first
        checks.append((name, f"{type(err).__name__}: {err}"))


def daily_day():
    for token in (None, HF_TOKEN):
        status, headers, body = fetch("/api/daily_papers", [("date", "2026-11-19")], hub=True, token=token)
        papers = read_list(status, body, "list_daily_papers(date=2026-11-19)")
        assert sorted(papers) == ["2611.00001", "2611.00002", "2611.00003"], sorted(papers)
        a = papers["2611.00001"]
        assert a["published_at"] == at("2026-11-17T18:00:00.000Z"), a["published_at"]
        assert a["submitted_at"] == at("2026-11-19T08:30:00.000Z"), a["submitted_at"]
        assert a["submitted_by"][0] == "alice", a["submitted_by"]
        assert a["authors"] == ["Ada Lovelace", "Léon Bottou"], a["authors"]
        assert (a["upvotes"], a["comments"]) == (1, 2), (a["upvotes"], a["comments"])
        assert a["github_repo"] == "https://github.com/owner/repo" and a["ai_summary"], a
        assert papers["2611.00003"]["upvotes"] == 0, "0 upvotes reads as 0, not None"


def daily_parameters():
    latest = read_list(*fetch("/api/daily_papers", [], hub=True)[::2], "list_daily_papers()")
    assert list(latest) == ["hep-th/9901001"], list(latest)
    trending = read_list(*fetch("/api/daily_papers", [("sort", "trending"), ("month", "2026-11")], hub=True)[::2], "trending")
    pages = []
    for p in (0, 1):
        params = [("p", p), ("limit", 3), ("sort", "trending"), ("month", "2026-11")]
        pages += list(read_list(*fetch("/api/daily_papers", params, hub=True)[::2], f"p={p}"))
    assert pages == list(trending), (pages, list(trending))
    week = read_list(*fetch("/api/daily_papers", [("week", "2026-W47")], hub=True)[::2], "week")
    assert len(week) == 4, list(week)
    mine = read_list(*fetch("/api/daily_papers", [("month", "2026-11"), ("submitter", "alice")], hub=True)[::2], "submitter")
    assert list(mine) == ["2611.00001"], list(mine)


def search():
    found = read_list(*fetch("/api/papers/search", [("q", "graph networks"), ("limit", 20)], hub=True, token=HF_TOKEN)[::2], "list_papers")
    assert found["2611.00002"]["title"] == "Graph networks for weather"
    newest = read_list(*fetch("/api/papers/search", [("limit", 2)], hub=True)[::2], "list_papers(limit=2)")
    assert len(newest) == 2
    never = read_list(*fetch("/api/papers/search", [("q", "Never listed")], hub=True)[::2], "never listed")["2611.00005"]
    assert never["submitted_at"] is None and never["submitted_by"] is None, never


def paper_info():
    daily = read_list(*fetch("/api/daily_papers", [("date", "2026-11-19")], hub=True)[::2], "daily")["2611.00001"]
    for paper_id in ("2611.00001", "2611.00001v2"):
        status, _, body = fetch("/api/papers/" + paper_id)
        assert status == 200, status
        info = read_paper_info(json.loads(body), f"paper_info({paper_id})")
        for key in ("id", "authors", "published_at", "submitted_at", "submitted_by", "title", "summary", "upvotes",
                    "comments", "discussion_id", "ai_summary", "ai_keywords", "github_repo", "github_stars", "project_page"):
            assert info[key] == daily[key], f"{key}: paper_info {info[key]!r} != daily {daily[key]!r}"
    status, _, body = fetch("/api/papers/hep-th/9901001")
    assert read_paper_info(json.loads(body), "old style")["published_at"] == at("1999-01-04T00:00:00.000Z")


def errors_and_markdown():
    for path in ("/api/papers/2611.99999", "/papers/2611.99999.md"):
        status, _, body = fetch(path)
        assert status == 404, (path, status)
        assert "No paper" in error_message(status, body)
    status, _, body = fetch("/api/daily_papers", [("date", "2026-11-19"), ("week", "2026-W47")], hub=True)
    assert status == 400 and "at most one of date, week and month" in error_message(status, body)
    for paper_id, title in (("2611.00001v2", "# Paper 2611.00001 on O(n²) sorting"), ("hep-th/9901001", "# Old style strings")):
        status, headers, text = fetch(f"/papers/{paper_id}.md")
        assert status == 200 and text.startswith(title + "\n"), (status, text[:80])
        assert headers.get("Content-Type", "").startswith("text/markdown"), headers.get("Content-Type")


for name, fn in (("list_daily_papers: one day", daily_day), ("list_daily_papers: parameters and pages", daily_parameters),
                 ("list_papers", search), ("paper_info", paper_info), ("errors and read_paper", errors_and_markdown)):
    check(name, fn)
for name, failure in checks:
    print(("FAIL " if failure else "ok   ") + name + (": " + failure if failure else ""))
sys.exit(1 if any(failure for _, failure in checks) else 0)
