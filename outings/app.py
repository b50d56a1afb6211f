"""The application factory: ``outings.app:create_app``."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Receive, Scope, Send

from outings import __version__, changelog, folded, pages, pwa
from outings.accounts import api as accounts_api
from outings.accounts import pages as accounts_pages
from outings.accounts import service as accounts_service
from outings.accounts.sessions import load_user
from outings.circle import board_pages, book_pages, news_pages, suggestion_pages
from outings.circle import member_pages as circle_member_pages
from outings.circle import moderation_pages as circle_moderation_pages
from outings.circle import pages as circle_pages
from outings.circle import store as circle_store
from outings.db import Database, database_at
from outings.db.database import Writer
from outings.moderation import pages as moderation_pages
from outings.outing import pages as outing_pages
from outings.outing import store as outing_store
from outings.push import api as push_api
from outings.push import keys as push_keys
from outings.push import sender as push_sender
from outings.push import worker as push_worker
from outings.settings import Settings
from outings.sync import api as sync_api
from outings.sync import pull as pulling
from outings.venue import pages as venue_pages
from outings.venue import store as venue_store
from outings.web import conditional, csrf, limits, middleware, openapi
from outings.web.cache import LRU
from outings.web.deps import DB
from outings.web.errors import handle_exception
from outings.web.front import Front
from outings.web.security import security_headers
from outings.web.static import StaticAssets, serve_static
from outings.web.templating import make_environment
from outings.web.warmup import freeze_heap, warm_up


async def _instance_secret(db: Database) -> str:
    """The signing secret kept in the database, made on first start."""

    async def run(w: Writer) -> str:
        await w.execute(
            "insert into meta (key, value) values ('secret', ?) on conflict (key) do nothing",
            (secrets.token_urlsafe(48),),
        )
        value: str = await w.fetchval("select value from meta where key = 'secret'")
        return value

    return await db.write(run)


class Running:
    """What one start of the app runs on, opened by its lifespan from
    ``app.state.settings``: the database and the rate-limit counts kept with it.

    Building an app costs ~0.2 s (Litestar parses every handler), starting it
    a few milliseconds; so a built app may be started again on other data,
    everything true of one database opened anew (the tests start one app on
    each test's own database)."""

    settings: Settings
    db: Database
    hits: limits.Hits

    def open(self, settings: Settings) -> None:
        self.settings = settings
        self.db = database_at(settings.db)
        self.hits = limits.hits_for(self.db)


def _dependencies(running: Running) -> dict[str, Provide]:
    """What handlers are given by name (see outings.web.deps)."""

    def the_db() -> Database:
        return running.db

    # Litestar resolves dependencies that need nothing else concurrently, in an
    # anyio task group that costs more than both of these together (about a
    # tenth of a page view; litestar-org/litestar#4563). Taking ``db`` puts
    # the settings in a batch of their own: resolved one after the other.
    def the_settings(db: DB) -> Settings:
        return running.settings

    # Not ``use_cache``: Litestar would keep the first answer for ever, and an
    # app started again runs on another database.
    return {
        "db": Provide(the_db, sync_to_thread=False),
        "settings": Provide(the_settings, sync_to_thread=False),
    }


def _logging_config(settings: Settings) -> LoggingConfig:
    return LoggingConfig(
        root={"level": "WARNING", "handlers": ["queue_listener"]},
        loggers={"outings": {"level": settings.log_level.upper(), "propagate": True}},
        formatters={"standard": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        log_exceptions="never",  # our exception handler logs what is unexpected
    )


class Outings(Litestar):
    """The app: each request logged, and its front desk (web/front.py) asked
    first for the pages it may have kept."""

    front: Front
    entry: ASGIApp  # the request log around :meth:`answer`

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.entry(scope, receive, send)
        else:  # the lifespan
            await super().__call__(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        if Front.wants(scope):
            scope.setdefault("state", {})
            await self.front(scope, receive, send, super().__call__)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, push: bool = True) -> Litestar:
    """Build the app; ``settings`` default to the ``OUTINGS_*`` environment.

    ``push=False`` leaves the push queue to someone else: tests that drive the
    sender themselves, with a clock of their own."""
    settings = settings or Settings.from_env()
    running = Running()
    assets = StaticAssets()
    # replaced at start-up by the kept secret when OUTINGS_SECRET is unset
    csrf_secret = csrf.Secret(settings.secret or secrets.token_urlsafe(48))
    environment = make_environment(settings, assets)

    async def version() -> tuple[object, int]:
        # pages say "today", "in 20 minutes": a kept one is good for its minute
        return await running.db.data_version(), int(time.time() // 60)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        started: Settings = app.state.settings
        if msgspec.structs.replace(started, db=settings.db) != settings:
            # the origin, limits, headers… are built into the app
            raise RuntimeError("an app starts again on another database alone")
        running.open(started)
        db = running.db
        await db.open()
        if not started.secret:
            csrf_secret.value = await _instance_secret(db)
        await accounts_service.hash_calendar_secrets(db)
        folds = (*outing_store.FOLDED, *venue_store.FOLDED, *circle_store.FOLDED)
        await folded.refold(db, folds)  # before the first list is drawn
        logging.getLogger("outings").info("database ready at %s", started.db_shown)
        app.state.db = db
        # whatever is kept is only true of this database
        app.state.list_cache = LRU(512)
        app.state.mine_cache = LRU(1024)  # each member's replies, per data version
        app.state.page_cache = LRU(128)  # whole pages for visitors not signed in
        app.state.pulled = pulling.versions()  # entities as pulled, by version
        assert isinstance(app, Outings)
        app.front = Front(version, csrf_secret, started.secure_cookies)
        warm_up(environment)
        freeze_heap()
        app.state.vapid = await push_keys.load(db, started)
        send = push_sender.webpush_sender(app.state.vapid, started.push_subject)
        # started together, nothing awaited in between: all are stopped below
        compaction = asyncio.create_task(changelog.compact_forever(db, started.sync_days))
        forgetting = asyncio.create_task(limits.forget_expired(running.hits))
        refolding = asyncio.create_task(folded.refold_forever(db, folds))
        pushing = asyncio.create_task(
            push_worker.run_forever(db, started, send) if push else asyncio.sleep(0)
        )
        try:
            yield
        finally:
            background = [compaction, forgetting, refolding, pushing]
            for task in background:
                task.cancel()
            await asyncio.wait(background)
            await db.close()

    app = Outings(
        route_handlers=[
            pages.router,
            outing_pages.router,
            venue_pages.router,
            circle_pages.router,
            circle_member_pages.router,
            board_pages.router,
            circle_moderation_pages.router,
            book_pages.router,
            suggestion_pages.router,
            news_pages.router,
            moderation_pages.router,
            accounts_pages.router,
            accounts_api.router,
            sync_api.router,
            push_api.router,
            pwa.router,
            serve_static,
        ],
        dependencies=_dependencies(running),
        middleware=[
            conditional.middleware,  # ETag, 304 and gzip for pages (issue 12)
            middleware.clean_input,
            middleware.locale,
            middleware.json_api_guard(settings.origin),
            load_user,
            limits.middleware(settings, lambda: running.hits),
            csrf.middleware(csrf_secret),
        ],
        before_send=[security_headers(settings, assets), middleware.head_without_body],
        # Pages and JSON travel gzipped: most of a first visit on weak mobile data.
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=512,
            gzip_compress_level=6,
            exclude="^/static/",  # gzipped once at start, served as they are
        ),
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        exception_handlers={Exception: handle_exception},
        lifespan=[lifespan],
        logging_config=_logging_config(settings),
        # The schema as JSON only: the documentation sites load scripts from other hosts.
        openapi_config=OpenAPIConfig(
            title="Outings",
            version=__version__,
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            components=openapi.components(settings),
        ),
        debug=False,
    )
    app.state.settings = settings
    app.state.assets = assets
    app.entry = middleware.request_log(app.answer)
    return app
