"""``/api/auth/…``: the passkey ceremonies as JSON (docs/design.md, JSON API)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, Router, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from outings.accounts import service, sessions
from outings.accounts.models import PublicUser, User
from outings.web.deps import DB, Conf
from outings.web.errors import ApiError
from outings.web.openapi import (
    ANY_JSON,
    AUTHENTICATION,
    DOOR,
    REGISTRATION,
    SIGNED_IN_OR_NOT,
    errors,
    with_body,
)


class RegisterOptionsIn(msgspec.Struct, forbid_unknown_fields=False):
    display_name: str = ""


class UserOut(msgspec.Struct):
    user: PublicUser


class Ok(msgspec.Struct):
    ok: bool = True


def _user_out(user: User) -> UserOut:
    return UserOut(PublicUser(user.id, user.display_name))


def _api_error(exc: service.AccountError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, exc.fields)


@post(
    "/register/options",
    status_code=200,
    responses=errors(400, 413, 429, *DOOR),
    security=SIGNED_IN_OR_NOT,  # signed in: one more passkey for the account
)
async def register_options(
    request: Request[Any, Any, Any], data: JSONBody[RegisterOptionsIn], db: DB, settings: Conf
) -> Response[dict[str, object]]:
    try:
        started = await service.begin_registration(
            db, settings, display_name=data.display_name, user=sessions.current_user(request)
        )
    except service.AccountError as exc:
        raise _api_error(exc) from exc
    return Response(
        started.options, cookies=[sessions.challenge_cookie(settings, started.challenge_id)]
    )


@post(
    "/register/verify",
    status_code=200,
    operation_class=with_body(REGISTRATION),
    security=SIGNED_IN_OR_NOT,
    responses={
        201: ResponseSpec(UserOut, description="A new account, made and signed in."),
        **errors(400, 413, 429, *DOOR),
    },
)
async def register_verify(
    request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]], db: DB, settings: Conf
) -> Response[UserOut]:
    try:
        done = await service.finish_registration(
            db,
            settings,
            challenge_id=sessions.challenge_id(request),
            credential=data,
            user_agent=request.headers.get("user-agent", ""),
            signed_in_as=sessions.current_user(request),
        )
    except service.AccountError as exc:
        raise _api_error(exc) from exc
    cookies = [sessions.clear_challenge_cookie(settings)]
    if done.session_token:
        cookies.append(sessions.session_cookie(settings, done.session_token))
    return Response(
        _user_out(done.user), cookies=cookies, status_code=201 if done.new_account else 200
    )


@post(
    "/login/options",
    status_code=200,
    operation_class=with_body(ANY_JSON),
    responses=errors(429, *DOOR),
)
async def login_options(db: DB, settings: Conf) -> Response[dict[str, object]]:
    started = await service.begin_login(db, settings)
    return Response(
        started.options, cookies=[sessions.challenge_cookie(settings, started.challenge_id)]
    )


@post(
    "/login/verify",
    status_code=200,
    operation_class=with_body(AUTHENTICATION),
    responses=errors(400, 413, 429, *DOOR),
)
async def login_verify(
    request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]], db: DB, settings: Conf
) -> Response[UserOut]:
    try:
        done = await service.finish_login(
            db,
            settings,
            challenge_id=sessions.challenge_id(request),
            credential=data,
            user_agent=request.headers.get("user-agent", ""),
        )
    except service.AccountError as exc:
        raise _api_error(exc) from exc
    previous = sessions.session_token(request)
    if previous:
        # Signing in again rotates the session: this browser's old token
        # (and anything it leaked to) stops working (issue 11).
        await service.end_session(db, previous)
    return Response(
        _user_out(done.user),
        cookies=[
            sessions.clear_challenge_cookie(settings),
            sessions.session_cookie(settings, done.session_token),
        ],
    )


@post(
    "/logout",
    status_code=200,
    operation_class=with_body(ANY_JSON),
    responses=errors(*DOOR),
    security=SIGNED_IN_OR_NOT,
)
async def logout(request: Request[Any, Any, Any], db: DB, settings: Conf) -> Response[Ok]:
    token = sessions.session_token(request)
    if token:
        await service.end_session(db, token)
    return Response(Ok(), cookies=[sessions.clear_session_cookie(settings)])


router = Router(
    path="/api/auth",
    route_handlers=[register_options, register_verify, login_options, login_verify, logout],
    tags=["accounts"],
)
