"""Nothing is wider than the phone: every page, in every language, at 320 and 390 px.

A parent on a small phone never scrolls sideways to read a badge, a link or
a button, and a select shows the whole of what she chose. Every page the app
serves as HTML is visited (a page added to the app without a visit here
fails :func:`test_every_page_is_visited`), with the demo data so each shows
its full self, as a visitor and as a member who hosts, goes and waits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from outings import i18n
from outings.db import now_iso
from tests.browser.conftest import screenshot
from tests.circle_helpers import circle_form
from tests.live import LiveServer, csrf, rows, signed_up, start_server
from tests.outing_helpers import outing_form

pytestmark = pytest.mark.browser

NAME = "Zofia Wiśniewska-Kowalczyk"  # a long name, as real ones are

#: What the app serves that is not a page a parent reads.
NOT_PAGES = {
    "/area",  # remembers her area and sends her back to the list
    "/healthz",
    "/language",
    "/calendar/{token:str}",
    "/sw.js",
    "/manifest.webmanifest",
    "/favicon.ico",
    "/static/{path:path}",
}

#: Everything wider than the window, and every select that cuts what it shows.
_TOO_WIDE = """
() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`the page is ${page}px wide`);
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== "visible" || style.clip !== "auto") return true;
    }
    return false;
  };
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const text = (el) => el.tagName === "SELECT" ? ""
    : ` "${(el.innerText || el.value || "").trim().slice(0, 40)}"`;
  const id = (el) => el.id ? "#" + el.id : "";
  const name = (el) => `<${el.tagName.toLowerCase()}${id(el)}${classes(el)}>${text(el)}`;
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || (box.right <= width + 0.5 && box.left >= -0.5)) return false;
    return !el.closest("[hidden]") && !clipped(el);
  });
  // name the element at fault, not each box around it
  for (const el of wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)))) {
    const box = el.getBoundingClientRect();
    found.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}px`);
  }
  const pen = document.createElement("canvas").getContext("2d");
  for (const select of document.querySelectorAll("select")) {
    const chosen = select.options[select.selectedIndex];
    if (!chosen || !select.offsetParent) continue;
    const style = getComputedStyle(select);
    pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const needs = pen.measureText(chosen.text).width
      + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
      + parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    if (needs > select.getBoundingClientRect().width + 1) {
      const has = Math.round(select.getBoundingClientRect().width);
      found.push(`${name(select)} cuts "${chosen.text}" (${Math.round(needs)}px in ${has}px)`);
    }
  }
  return found;
}
"""


class Instance:
    """A server with the demo data and a member who hosts, goes, waits and moderates."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        env = {**os.environ, "OUTINGS_DB": str(server.db)}
        self.member = signed_up(server, NAME)
        for command in (["demo"], ["grant", "moderator", NAME]):
            subprocess.run(
                [sys.executable, "-m", "outings", *command],
                env=env,
                check=True,
                capture_output=True,
            )
        form = outing_form(title="Sensory play and songs at the library, with tea", capacity="3")
        form["_csrf_token"] = csrf(self.member, "/outings/new")
        assert self.member.post("/outings", data=form).status_code in (302, 303)
        self.hosted = str(form["id"])
        self.full = self._first(
            "o.capacity is not null and (select count(*) from rsvps r"
            " where r.outing_id = o.id and r.state = 'confirmed') >= o.capacity"
        )
        self._reply(self.full, "going")  # waitlisted
        self.open = self._first("o.capacity is null")
        self._reply(self.open, "going")
        self.venue = str(rows(server, "select id from venues order by name limit 1")[0][0])
        # her own circle, with a long name and area as real ones have
        circle = circle_form(
            name="Rodzice z Zielonego Wzgórza i okolic, maluchy do trzech lat",
            area="Zielone Wzgórze-Południe",
            joining="ask",
        )
        circle["_csrf_token"] = csrf(self.member, "/circles/new")
        assert self.member.post("/circles", data=circle).status_code in (302, 303)
        self.circle = str(circle["id"])
        self.post = self._ask()
        # its address book, with a long name and website as a practice's often are
        book = f"/circles/{self.circle}/book"
        entry = {
            "id": str(uuid.uuid4()),
            "kind": "lactation",
            "name": "Poradnia Laktacyjna przy Szpitalu Wojewódzkim im. Marii Skłodowskiej",
            "phone": "+48 22 123 45 67",
            "website": "https://www.szpital-wojewodzki-zielone-wzgorze.example/poradnia",
            "note": "Przyjmują też w soboty.",
        }
        entry["_csrf_token"] = csrf(self.member, book)
        assert self.member.post(f"/circles/{self.circle}/entries", data=entry).status_code in (
            302,
            303,
        )
        # a long address, as a council's or museum's often is
        rows(
            server,
            "update venues set website = ? where id = ?",
            "https://www.stadtbibliothek-musterstadt.example/kinderbibliothek/"
            "veranstaltungen-fuer-familien",
            self.venue,
        )

    def _ask(self) -> str:
        """A long ask with a reply on her circle's board."""
        post_id = str(uuid.uuid4())
        ask = (
            "Looking for a double stroller (Bugaboo Donkey or similar) near the market,"
            " twins due in March — happy to pay or swap for a cot"
        )
        base = f"/circles/{self.circle}/posts"
        data = {"_csrf_token": csrf(self.member), "id": post_id, "kind": "ask", "body": ask}
        assert self.member.post(base, data=data).status_code in (302, 303)
        reply = {"_csrf_token": csrf(self.member), "id": str(uuid.uuid4()), "body": ask}
        assert self.member.post(f"{base}/{post_id}/replies", data=reply).status_code in (302, 303)
        return post_id

    def _first(self, condition: str) -> str:
        found = rows(
            self.server,
            f"select o.id from outings o where o.status = 'scheduled' and {condition}"
            " and o.ends_at > ? order by o.starts_at limit 1",
            now_iso(),
        )
        assert found, f"the demo data has no outing where {condition}"
        return str(found[0][0])

    def _reply(self, outing_id: str, status: str) -> None:
        page = f"/outings/{outing_id}"
        answer = self.member.post(
            f"{page}/rsvp",
            data={
                "_csrf_token": csrf(self.member, page),
                "status": status,
                "adults": "2",
                "children": "3",
            },
        )
        assert answer.status_code in (302, 303), answer.text

    def member_pages(self) -> list[str]:
        return [
            "/",
            "/?when=weekend&category=playground&age=24&area=Riverside",
            f"/outings/{self.full}",
            f"/outings/{self.open}",
            f"/outings/{self.hosted}",
            f"/outings/{self.hosted}/edit",
            f"/outings/new?again={self.hosted}",
            "/outings/new",
            "/venues",
            f"/venues/{self.venue}",
            "/venues/new",
            f"/venues/{self.venue}/edit",
            "/moderation",
            "/circles",
            "/circles/new",
            f"/circles/{self.circle}",
            f"/circles/{self.circle}/posts/{self.post}",
            f"/circles/{self.circle}/edit",
            f"/circles/{self.circle}/members",
            f"/circles/{self.circle}/moderation",
            f"/circles/{self.circle}/book",
            f"/circles/{self.circle}/suggestions",
            f"/circles/{self.circle}/news",
            "/me",
            "/offline",
            "/no-such-page",
        ]

    def visitor_pages(self) -> list[str]:
        return [
            "/",
            f"/outings/{self.full}",
            "/venues",
            f"/venues/{self.venue}",
            "/circles",
            f"/circles/{self.circle}",
            f"/circles/{self.circle}/book",
            f"/circles/{self.circle}/news",
            "/register",
            "/login",
            "/offline",
        ]


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    server = start_server(Path(tmp_path_factory.mktemp("fits")))
    try:
        instance = Instance(server)
        yield instance
        instance.member.close()
    finally:
        server.stop()


WIDTHS = (320, 390)


def _phone(browser: Browser, cookies: httpx.Cookies | None, url: str) -> BrowserContext:
    size: ViewportSize = {"width": WIDTHS[0], "height": 844}
    context = browser.new_context(
        viewport=size,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        service_workers="block",  # each visit is the server's page, not a kept copy
    )
    if cookies:
        context.add_cookies([{"name": k, "value": v, "url": url} for k, v in cookies.items()])
    return context


def _speak(page: Page, url: str, lang: str) -> None:
    page.goto(f"{url}/language?lang={lang}&next=/")


def _measure(page: Page, problems: list[str], label: str) -> None:
    """The page as it is, at each width in turn: laid out again, not loaded again
    (the width it came at first, so the page after comes at the other)."""
    viewport = page.viewport_size
    now = viewport["width"] if viewport else WIDTHS[0]
    for width in sorted(WIDTHS, key=lambda w: w != now):
        if width != now:
            page.set_viewport_size({"width": width, "height": 844})
        problems.extend(f"{label} at {width}px: {found}" for found in page.evaluate(_TOO_WIDE))


def _check(page: Page, address: str, problems: list[str], label: str) -> None:
    answer = page.goto(address)
    assert answer is not None
    assert answer.status < 500, f"{address} failed"
    page.wait_for_load_state("load")
    _measure(page, problems, f"{label} {address.split('//', 1)[1].split('/', 1)[1]!r}")


def _with_errors(page: Page, address: str, problems: list[str], label: str) -> None:
    """The form sent empty (past the browser's own checks), as the server answers it."""
    page.goto(address)
    with page.expect_navigation():
        page.evaluate("""() => {
          const form = document.querySelector("main form[method=post]:not(.language-form)");
          form.noValidate = true;
          for (const f of form.querySelectorAll("input[type=text], input:not([type]), textarea"))
            f.value = "";
          HTMLFormElement.prototype.submit.call(form);
        }""")
    page.wait_for_load_state("load")
    assert page.locator(".field-error").count(), f"{address} showed no error"
    _measure(page, problems, f"{label} {address} with errors")


def test_nothing_is_wider_than_the_phone(browser: Browser, instance: Instance) -> None:
    url = instance.server.url
    problems: list[str] = []
    member = _phone(browser, instance.member.cookies, url)
    visitor = _phone(browser, None, url)
    try:
        for lang in i18n.LOCALES:
            page = member.new_page()
            _speak(page, url, lang)
            for path in instance.member_pages():
                _check(page, f"{url}{path}", problems, f"{lang} member")
            for form in ("/outings/new", "/venues/new", "/circles/new"):
                _with_errors(page, f"{url}{form}", problems, lang)
            if lang in ("en", "pl"):
                page.set_viewport_size({"width": 390, "height": 844})
                page.goto(f"{url}/")
                screenshot(page, f"fits-list-{lang}")
            page.close()
            page = visitor.new_page()
            _speak(page, url, lang)
            for path in instance.visitor_pages():
                _check(page, f"{url}{path}", problems, f"{lang} visitor")
            page.close()
    finally:
        member.close()
        visitor.close()
    assert not problems, "wider than the phone:\n" + "\n".join(problems)


def test_every_page_is_visited(instance: Instance) -> None:
    """Each route serving a page has a visit above: a new page cannot miss the check."""
    from outings.app import create_app
    from outings.settings import Settings

    app = create_app(Settings(db=str(instance.server.db)))
    visited = {p.split("?")[0] for p in instance.member_pages() + instance.visitor_pages()}
    ids = {instance.full, instance.open, instance.hosted, instance.venue, instance.circle}
    ids.add(instance.post)

    def template(path: str) -> str:
        parts = ["{}" if part in ids else part for part in path.split("/")]
        return "/".join(parts)

    seen = {template(p) for p in visited}
    missing = []
    for route in app.routes:
        methods: set[str] = getattr(route, "methods", set())
        if "GET" not in methods or route.path in NOT_PAGES or route.path.startswith("/api/"):
            continue
        shape = "/".join("{}" if p.startswith("{") else p for p in route.path.split("/"))
        if shape not in seen:
            missing.append(route.path)
    assert not missing, f"pages no test visits at phone widths: {missing}"
