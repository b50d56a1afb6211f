"""The README and docs/ are a newcomer's way in: every link leads somewhere in
this repository, and the contracts they describe are the ones the code keeps
(issue 12)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.sync.protocol import ARGS
from tests.conftest import sign_up
from tests.softauthn import SoftAuthenticator

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCED = re.compile(r"^```.*?^```", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(path: Path) -> str:
    """The text of a Markdown file without its code, where a link is only text."""
    return _CODE.sub("", _FENCED.sub("", path.read_text("utf-8")))


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for a file's headings."""
    found = set()
    for heading in re.findall(r"^#+\s+(.+)$", _FENCED.sub("", path.read_text("utf-8")), re.M):
        words = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
        found.add(words.replace(" ", "-"))
    return found


def _links(path: Path) -> list[str]:
    return _LINK.findall(_prose(path))


def test_the_docs_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in DOCS}
    assert {"README.md", "docs/sync.md", "docs/design.md"} <= names
    readme = _links(ROOT / "README.md")
    assert "docs/sync.md" in readme
    assert "docs/design.md" in readme


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_lead_to_files_inside_the_repository(doc: Path) -> None:
    for link in _links(doc):
        if re.match(r"^(https?|mailto):", link):
            continue
        assert ":" not in link.split("#")[0], f"{doc.name}: {link} is no relative link"
        target, _, anchor = link.partition("#")
        resolved = (doc.parent / target).resolve() if target else doc
        assert resolved.is_relative_to(ROOT), f"{doc.name}: {link} leaves the repository"
        assert resolved.exists(), f"{doc.name}: {link} leads to no file"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{doc.name}: {link} names no heading"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_doc_sends_a_reader_outside_the_repository(doc: Path) -> None:
    text = doc.read_text("utf-8")
    assert "../shared" not in text
    assert "DESIGN.md" not in text, f"{doc.name}: the design is docs/design.md"


def test_sync_md_names_every_mutation_and_its_args() -> None:
    text = (ROOT / "docs" / "sync.md").read_text("utf-8")
    rows = {line.split("`")[1]: line for line in text.splitlines() if line.startswith("| `")}
    for name, args in ARGS.items():
        assert name in rows, f"docs/sync.md has no row for {name}"
        # an update takes the fields of its create ("only the fields that change")
        row = rows[name] + rows.get(name.replace(".update", ".create"), "")
        for field in msgspec.structs.fields(args):
            assert re.search(rf"\b{field.name}\b", row), f"{name}: {field.name} is undocumented"


def test_sync_md_names_every_field_a_pull_sends(
    client: TestClient[Litestar], authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Ana")
    outing, venue = str(uuid.uuid4()), str(uuid.uuid4())
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    place = {"id": venue, "name": "Little Acorns", "kind": "cafe", "area": "Riverside"}
    mutations = [
        {"name": "venue.create", "args": place},
        {
            "name": "outing.create",
            "args": {
                "id": outing,
                "title": "Coffee",
                "category": "cafe",
                "venue_id": venue,
                "starts_at": f"{day}T09:00:00Z",
                "ends_at": f"{day}T10:00:00Z",
            },
        },
        {"name": "rsvp.set", "args": {"outing_id": outing, "status": "going"}},
        {
            "name": "comment.add",
            "args": {"id": str(uuid.uuid4()), "outing_id": outing, "body": "Hi"},
        },
    ]
    numbered = [{"id": n, **m} for n, m in enumerate(mutations, start=1)]
    pushed = client.post(
        "/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": numbered}
    )
    assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 4, pushed.text
    changes = client.get("/api/sync/pull?cursor=0").json()["changes"]
    text = (ROOT / "docs" / "sync.md").read_text("utf-8")
    pull = text[text.index("## Pull") :]
    seen = {c["type"] for c in changes}
    assert {"outing", "rsvp", "comment", "venue"} <= seen
    for change in changes:
        entry = re.search(rf"^- `{change['type']}`.*?(?=^- |^$)", pull, re.S | re.M)
        assert entry is not None, f"docs/sync.md does not describe a pulled {change['type']}"
        for field in change["data"]:
            assert re.search(rf"\b{field}\b", entry.group()), f"{change['type']}.{field}"


def _documented_paths(text: str) -> set[str]:
    paths = set()
    for path in re.findall(r"`(?:GET |POST )?(/[^`\s?]*)", text):
        paths.add(re.sub(r"\{[^}]*\}", "{}", path).removesuffix(".ics"))
    return paths


def test_design_md_lists_every_page(app: Litestar) -> None:
    documented = _documented_paths((ROOT / "docs" / "design.md").read_text("utf-8"))
    for route in app.routes:
        path = re.sub(r"\{[^}]*\}", "{}", route.path)
        if path.startswith(("/static/", "/api/schema")) or path == "/favicon.ico":
            continue
        assert path in documented, f"docs/design.md does not list {route.path}"
