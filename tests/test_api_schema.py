"""The JSON API answers as its OpenAPI schema says (issue 11, item 8).

Schemathesis takes the schema ``/api/schema/openapi.json`` serves and sends
each operation, on a real server, a few generated requests, valid and not,
as a signed-in parent from our own ``Origin``; every one of its checks runs
on each answer (no 5xx; status codes, content types, headers and bodies as
documented; invalid data refused, valid data accepted; a session needed
where the schema says so, …; only ``max_response_time`` is off: no
timings). The server's log must hold no traceback. What the schema cannot
say is told in :data:`CONFIG`, :func:`map_case` and :func:`_known_mismatches`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import AuthContext, Case, HookContext
from schemathesis.checks import CheckFunction, negative_data_rejection, positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from outings.app import create_app
from outings.settings import Settings
from outings.sync.protocol import MAX_MUTATION_ID as MAX_ID
from outings.web.cookies import SESSION
from tests.live import LiveServer, signed_up, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("api")
    # Limits high enough that generated requests meet the handlers, not the 429.
    live = start_server(
        tmp, env={"OUTINGS_LIMIT_SIGN_IN": "100000", "OUTINGS_LIMIT_PUSH": "100000"}
    )
    yield live
    live.stop()
    problems = [line for line in live.log.read_text().splitlines() if "Traceback" in line]
    assert not problems, f"the server logged errors:\n{live.log.read_text()}"


@pytest.fixture
def signed_in(server: LiveServer) -> Iterator[None]:
    """A new parent for each operation (the logout's ends its session)."""
    client = signed_up(server, "Ana")
    token = client.cookies.get(SESSION)
    client.close()
    assert token
    Session.token = token
    yield
    Session.token = ""


def _documented() -> dict[str, Any]:
    """The schema the app serves, read from the app itself at collection.

    (Schemathesis's lazy loading from a fixture fails under pytest 9.2;
    :func:`test_the_schema_checked_is_the_one_served` keeps the two the same.)
    """
    app = create_app(Settings(db="unused.db", origin="http://localhost", secret="unused"))
    return app.openapi_schema.to_schema()


DOCUMENTED = _documented()
Call = Case[Any]
#: Per operation and phase: enough to have found a 500 (a mutation id SQLite
#: cannot keep), few enough to stay a few seconds.
EXAMPLES = 30
#: Schemathesis's own lists of answers that accept valid data and refuse invalid data.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"]
CONFIG = {
    "operations": [
        {
            # No generated passkey carries a valid signature over a challenge
            # this server gave: well-formed credentials are refused with a 400
            # too (`challenge_expired`, `passkey_invalid`), as they must be.
            "include-path-regex": "^/api/auth/(register|login)/verify$",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        {
            # More than MAX_MUTATIONS is refused as too large, a 413.
            "include-path-regex": "^/api/sync/push$",
            "checks": {"negative_data_rejection": {"expected-statuses": [*REJECTED, "413"]}},
        },
    ],
}
schema = schemathesis.openapi.from_dict(DOCUMENTED, config=SchemathesisConfig.from_dict(CONFIG))


def test_the_schema_checked_is_the_one_served(server: LiveServer) -> None:
    served = httpx.get(f"{server.url}/api/schema/openapi.json")
    assert served.status_code == 200
    assert served.json() == DOCUMENTED


def test_every_error_is_documented_in_the_one_shape() -> None:
    for path, operations in DOCUMENTED["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            failures = {code: answer for code, answer in answers.items() if int(code) >= 400}
            assert "503" in failures, path
            if method == "post":  # the API's door: our Origin, JSON only
                assert {"403", "415"} <= failures.keys(), path
            for answer in failures.values():
                shape = answer["content"]["application/json"]["schema"]
                assert shape == {"$ref": "#/components/schemas/ErrorEnvelope"}, path
    push = DOCUMENTED["paths"]["/api/sync/push"]["post"]
    assert {"401", "409", "413", "429"} <= push["responses"].keys()
    body = push["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["client_id", "mutations"]
    assert body["properties"]["mutations"]["items"]["properties"]["args"]["type"] == "object"


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case: Call, server: LiveServer, signed_in: None) -> None:
    if SESSION in (case.cookies or {}):
        # Cases are made before the fixture signs in (the explicit ones at
        # collection): the cookie the provider set stands for this session.
        case.cookies[SESSION] = Session.token
    case.call_and_validate(
        base_url=server.url,
        headers={"Origin": server.url},
        excluded_checks=_known_mismatches(case),
    )


@schema.auth.auth(refresh_interval=None, retry_on=[])
class Session:
    """The session cookie, as the schema's ``session`` security scheme.

    Told to schemathesis this way (not sent behind its back), it also sends
    each operation that needs a session without one, or with a forged one,
    and expects a 401 (``ignored_auth``).
    """

    token = ""  # the signed-in parent's, set by the ``signed_in`` fixture

    def get(self, case: Call, ctx: AuthContext) -> str:
        return "this-session"

    def set(self, case: Call, data: str, ctx: AuthContext) -> None:
        case.cookies = {**(case.cookies or {}), SESSION: data}


def _mutations(case: Call) -> list[Any]:
    mutations = case.body.get("mutations") if isinstance(case.body, dict) else None
    return mutations if isinstance(mutations, list) else []


@schema.hook
def map_case(context: HookContext, case: Call) -> Call:
    """Make a push's mutation ids count up by one from the first, as the push needs.

    JSON Schema cannot say so; generated ids rarely do, and the whole push
    would be refused (``bad_order``) before any mutation is looked at.
    """
    if case.meta is None or case.meta.generation.mode.is_negative:
        return case  # invalid on purpose: what it tries may be the ids themselves
    mutations = _mutations(case)
    if not mutations or not all(
        isinstance(m, dict) and type(m.get("id")) is int for m in mutations
    ):
        return case
    first = min(mutations[0]["id"], MAX_ID - len(mutations) + 1)
    for offset, mutation in enumerate(mutations):
        mutation["id"] = first + offset
    return case


def _known_mismatches(case: Call) -> list[CheckFunction]:
    """Checks that cannot hold for this push, for a reason the schema cannot say.

    - A mutation whose ``args`` is not an object: the schema asks for one, yet
      the push is answered 200, that mutation ``rejected`` and the rest
      applied, so one bad change never blocks the outbox behind it
      (outings/sync/protocol.py).
    - An id written with a fraction (``5.0``): JSON Schema counts it as an
      integer, msgspec (strict) does not, and the push is refused, a 400. No
      client of ours can send one (JavaScript writes ``5``).
    """
    mutations = [m for m in _mutations(case) if isinstance(m, dict)]
    skipped: list[CheckFunction] = []
    if any("args" in m and not isinstance(m["args"], dict) for m in mutations):
        skipped.append(negative_data_rejection)
    if any(isinstance(m.get("id"), float) for m in mutations):
        skipped.append(positive_data_acceptance)
    return skipped
