"""What the JSON API's schema says that Litestar cannot read from a handler's signature.

``/api/schema/openapi.json`` must tell a client every answer it can meet
(issue 11): the errors come from middleware (the API's door, the limits),
from :class:`~outings.web.errors.ApiError` and from the database being busy,
none of which a signature shows, and they all share one shape,
:class:`~outings.web.errors.ErrorEnvelope`. Each handler names the errors it
can give with :func:`errors`; schemathesis checks the schema against the
answers (``tests/test_api_schema.py``).

The push reads its body itself (each mutation's ``args`` is judged alone, see
:mod:`outings.sync.protocol`), so Litestar sees no ``data`` to describe:
:data:`PUSH_REQUEST` is its request body, written out here (with
:func:`with_body`), as are the passkey credentials the sign-in ceremonies take.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    Operation,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from outings.settings import Settings
from outings.sync.protocol import ARGS, MAX_MUTATION_ID, MAX_MUTATIONS, MAX_PUSH_BYTES
from outings.web import cookies
from outings.web.errors import ErrorEnvelope

_WHY = {
    400: "What was sent could not be read or is not valid (`invalid`; `fields` names what).",
    401: "Not signed in (`sign_in_needed`).",
    403: "Sent from another site's `Origin` (`bad_origin`).",
    409: "A conflict with what the server has.",
    413: "A body past the limit (`too_large`).",
    415: "Not sent as `application/json` (`json_required`).",
    429: "Over a limit (`rate_limited`); `Retry-After` says how many seconds to wait.",
    503: "The database is busy (`busy`); `Retry-After` says when to try again.",
}

#: What every ``POST`` under ``/api/`` may meet: the API's door (our ``Origin``,
#: JSON only) and a busy database. Those that read their body add 413.
DOOR = (403, 415, 503)


def components(settings: Settings) -> Components:
    """The session cookie as a security scheme (its name depends on the origin's scheme).

    Litestar writes ``components.schemas`` itself, from the handlers, and
    keeps the rest of what is given here.
    """
    session = SecurityScheme(
        type="apiKey",
        name=cookies.name(cookies.SESSION, https=settings.secure_cookies),
        security_scheme_in="cookie",
        description="The session a passkey sign-in sets (HttpOnly: browsers send it).",
    )
    return Components(security_schemes={"session": session})


#: For ``security=``: a session is needed, or one is used when there is one.
SIGNED_IN: list[SecurityRequirement] = [{"session": []}]
SIGNED_IN_OR_NOT: list[SecurityRequirement] = [{}, {"session": []}]


def errors(*statuses: int, why: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """The error answers an operation gives, each ``{"error": {"code", "message", …}}``.

    ``why`` says more than the usual words for a status (which codes, what to do).
    """
    return {
        status: ResponseSpec(
            data_container=ErrorEnvelope,
            description=(why or {}).get(status, _WHY[status]),
            generate_examples=False,
        )
        for status in sorted(set(statuses))
    }


def _string(description: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, description=description)


_MUTATION = Schema(
    type=OpenAPIType.OBJECT,
    title="Mutation",
    description=(
        "One change made on the phone. A mutation whose `name` is unknown or whose `args`"
        " are not valid is answered `rejected` in the results; the rest still apply."
        " Names: " + ", ".join(f"`{name}`" for name in ARGS) + "."
    ),
    properties={
        "id": Schema(
            type=OpenAPIType.INTEGER,
            minimum=-MAX_MUTATION_ID - 1,
            maximum=MAX_MUTATION_ID,
            description="Counts up by one across the client's pushes; written"
            " without a fraction (`5`, not `5.0`).",
        ),
        "name": Schema(type=OpenAPIType.STRING, examples=list(ARGS)),
        "args": Schema(
            type=OpenAPIType.OBJECT,
            additional_properties=Schema(),
            description="The fields of the entity, as a pull returns them."
            " `outing.create` also takes `host_adults` (1 to 6) and `host_children`"
            " (0 to 8): the family its host brings, whose reply holds a place;"
            " 1 and 1 when not given.",
        ),
    },
    required=["id", "name"],
)

PUSH_REQUEST = Schema(
    type=OpenAPIType.OBJECT,
    title="PushRequest",
    properties={
        "client_id": Schema(
            type=OpenAPIType.STRING, format=OpenAPIFormat.UUID, description="This device's sync id."
        ),
        "mutations": Schema(
            type=OpenAPIType.ARRAY,
            items=_MUTATION,
            max_items=MAX_MUTATIONS,
            description=f"At most {MAX_MUTATIONS}; ids count up by one.",
        ),
    },
    required=["client_id", "mutations"],
)


def _credential(title: str, *response: str) -> Schema:
    """A passkey's answer as the browser's ``PublicKeyCredential.toJSON()`` gives it."""
    return Schema(
        type=OpenAPIType.OBJECT,
        title=title,
        description="Binary values in base64url.",
        properties={
            "id": _string("The credential's id."),
            "rawId": _string("The same id."),
            "type": Schema(type=OpenAPIType.STRING, enum=["public-key"]),
            "response": Schema(
                type=OpenAPIType.OBJECT,
                properties={name: Schema(type=OpenAPIType.STRING) for name in response},
                required=[name for name in response if name != "userHandle"],
            ),
            "authenticatorAttachment": _string("`platform` or `cross-platform`."),
            "clientExtensionResults": Schema(type=OpenAPIType.OBJECT),
        },
        required=["id", "rawId", "type", "response"],
    )


REGISTRATION = _credential("RegistrationCredential", "clientDataJSON", "attestationObject")
AUTHENTICATION = _credential(
    "AuthenticationCredential", "clientDataJSON", "authenticatorData", "signature", "userHandle"
)
#: Operations that read no body still take ``application/json`` (the API's door
#: refuses anything else), so a form on another site cannot reach them.
ANY_JSON = Schema(description="Any JSON (`{}`); it is not read.")


def with_body(schema: Schema, description: str = "") -> type[Operation]:
    """An operation class whose request body is ``schema``, sent as JSON.

    For a handler that reads its body itself, or none: Litestar then sees no
    ``data`` to describe.
    """
    body = RequestBody(
        content={"application/json": OpenAPIMediaType(schema=schema)},
        description=description or None,
        required=True,
    )

    @dataclass
    class WithBody(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return WithBody


PushOperation = with_body(
    PUSH_REQUEST, f"The outbox's changes, at most {MAX_PUSH_BYTES // 1024} KiB."
)

PUSH_ERRORS = errors(
    400,
    401,
    409,
    413,
    429,
    *DOOR,
    why={
        400: "The body could not be read (`invalid`), `client_id` is not a UUID"
        " (`bad_client_id`) or the ids do not count up by one (`bad_order`).",
        403: "Sent from another site's `Origin` (`bad_origin`), or this `client_id`"
        " belongs to another account (`client_taken`).",
        409: "Mutations before these are missing (`mutation_gap`): resend from"
        " the id in `expected`.",
        413: "More than the body limit (`too_large`) or too many mutations (`too_many_mutations`).",
    },
)
