"""``create_app(config)``: the emulator as a FastAPI application (state lives on ``app.state``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from stripe_emulator import (
    account_sessions,
    accounts,
    controls,
    embedded,
    event_api,
    hosted,
    links,
    login_links,
    scenarios,
)
from stripe_emulator.config import EmulatorConfig
from stripe_emulator.controls import ControlError
from stripe_emulator.embedded import EmbeddedError
from stripe_emulator.errors import ApiError, is_v1
from stripe_emulator.events import DeliveryWorker
from stripe_emulator.gate import API_PREFIXES, ApiGate
from stripe_emulator.runtime import Emulator

ROUTERS = (
    accounts.router,
    links.router,
    event_api.router,
    hosted.router,
    account_sessions.router,
    login_links.router,
    embedded.router,
    controls.router,
    scenarios.router,
)


def create_app(config: EmulatorConfig | None = None) -> FastAPI:
    config = config or EmulatorConfig()
    emu = Emulator(config)
    app = FastAPI(
        title="Stripe emulator",
        description=(
            "Stateful stand-in for Stripe's v2 core APIs, Account Sessions, login links and "
            "Connect.js. See docs/emulator.md."
        ),
        lifespan=_lifespan(emu),
        docs_url="/_emulator/docs",
        openapi_url="/_emulator/openapi.json",
        redoc_url=None,
    )
    app.state.emulator = emu
    app.state.config = config
    app.add_middleware(ApiGate, emulator=emu)
    # Outermost: the Connect.js stand-in is called from the platform's pages (another origin).
    app.add_middleware(embedded.ConnectJsCors)
    _add_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router)
    return app


def _lifespan(emu: Emulator) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Runs the webhook delivery worker and the ticker that settles time-driven changes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = DeliveryWorker(emu)

        async def ticker() -> None:
            while True:
                await asyncio.sleep(emu.config.tick_interval)
                async with emu.lock:
                    emu.tick()

        tasks = [asyncio.create_task(worker.run()), asyncio.create_task(ticker())]
        app.state.worker = worker
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await worker.aclose()
            emu.persist()

    return lifespan


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return exc.response(v1=is_v1(request.url.path))

    @app.exception_handler(EmbeddedError)
    async def embedded_error(_: Request, exc: EmbeddedError) -> Response:
        return exc.response()

    @app.exception_handler(ControlError)
    async def control_error(_: Request, exc: ControlError) -> Response:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not request.url.path.startswith(API_PREFIXES):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        if exc.status_code in (404, 405):
            code = "not_found" if exc.status_code == 404 else "method_not_allowed"
            message = f"Unrecognized request URL ({request.method}: {request.url.path})."
        else:
            code, message = "invalid_request", str(exc.detail)
        return ApiError(exc.status_code, code, message).response(v1=is_v1(request.url.path))
