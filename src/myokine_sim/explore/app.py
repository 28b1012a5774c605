"""The explorer's web app: the page, its static files and a small JSON API (Starlette).

Routes:

* ``GET /``: the page; ``/static/...``: its script, styles and the vendored uPlot.
* ``GET /api/config``: the panels with axis labels, and every preset with its control values.
* ``POST /api/run``: ``{"preset": NAME | null, "controls": {...}, "uncertainty": N}`` -> the plotted
  columns, exercise periods, interventions and the headline (``payload.run_json``); ``uncertainty`` (0, the
  default, or 10-200) adds the 90% prediction band of N posterior draws, as ``myokine run --uncertainty N``.
* ``POST /api/download/toml|csv|png``: the same request -> the scenario file, the timeseries, the figure.

Bad input is 422 with the message ``myokine run`` gives for the same scenario file
(``{"error", "field", "problem", "control"}``); a request over the time limit is 503;
nothing ever answers with a traceback. Requests are JSON of at most ``MAX_REQUEST_BYTES``,
from this machine (Host and Origin must be 127.0.0.1 or localhost).
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from myokine_sim.errors import InputError, MyokineError
from myokine_sim.explore.controls import (
    BAND_DRAWS,
    DEFAULT_PRESET,
    Controls,
    control_for_field,
    controls_from_document,
    preset_document,
    preset_names,
)
from myokine_sim.explore.payload import page_config
from myokine_sim.explore.worker import DEFAULT_TIME_LIMIT_S, SimulationWorker, TimeLimitExceeded
from myokine_sim.limits import MAX_INPUT_FILE_BYTES

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Largest request body: the same cap as a scenario file.
MAX_REQUEST_BYTES = MAX_INPUT_FILE_BYTES
LOCAL_HOSTS = ("127.0.0.1", "localhost")
DOWNLOAD_TYPES = {"toml": "application/toml", "csv": "text/csv", "png": "image/png"}


class Refused(Exception):
    """A request refused before it reaches the simulation: an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _config() -> dict:
    presets = []
    for name in preset_names():
        document = preset_document(name)
        presets.append({"name": name, "description": document.get("description", ""),
                        "controls": controls_from_document(document).model_dump()})
    return {**page_config(), "presets": presets, "default_preset": DEFAULT_PRESET,
            "default_controls": Controls().model_dump(), "band_draws": BAND_DRAWS}


async def _request_json(request: Request) -> dict:
    """The body as a JSON object; refused when it is not JSON, too large, or sent from another site."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).hostname not in LOCAL_HOSTS:
        raise Refused(403, f"request: from {origin}; allowed: the explorer's own page")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise Refused(415, "request: not JSON; allowed: Content-Type application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise Refused(413, f"request: {declared} bytes; allowed: at most {MAX_REQUEST_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise Refused(413, f"request: more than {MAX_REQUEST_BYTES} bytes; allowed: at most {MAX_REQUEST_BYTES}")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise InputError("request", None, f"malformed JSON: {error}") from None
    if not isinstance(document, dict):
        raise InputError("request", None, "expected a JSON object with preset and controls")
    return document


def _error_response(error: Exception) -> JSONResponse:
    if isinstance(error, Refused):
        return JSONResponse({"error": error.message}, status_code=error.status)
    if isinstance(error, InputError):
        return JSONResponse({"error": str(error), "field": error.field, "problem": error.problem,
                             "control": control_for_field(error.field)}, status_code=422)
    if isinstance(error, TimeLimitExceeded):
        return JSONResponse({"error": str(error)}, status_code=503)
    if isinstance(error, MyokineError):
        return JSONResponse({"error": str(error)}, status_code=500)
    return JSONResponse({"error": f"{type(error).__name__}: {error}"}, status_code=500)


async def _call_worker(request: Request, task: str):
    document = await _request_json(request)
    return await run_in_threadpool(request.app.state.worker.call, task, document)


async def index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})


async def config(request: Request) -> Response:
    return JSONResponse(request.app.state.config)


async def run(request: Request) -> Response:
    try:
        return Response(await _call_worker(request, "run"), media_type="application/json")
    except Exception as error:  # noqa: BLE001 - every failure is a JSON message
        return _error_response(error)


async def download(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in DOWNLOAD_TYPES:
        return JSONResponse({"error": f"download {kind!r}; allowed: {', '.join(DOWNLOAD_TYPES)}"}, status_code=404)
    try:
        file_name, data = await _call_worker(request, kind)
    except Exception as error:  # noqa: BLE001 - every failure is a JSON message
        return _error_response(error)
    return Response(data, media_type=DOWNLOAD_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


async def _server_error(request: Request, error: Exception) -> Response:
    return _error_response(error)


def create_app(time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> Starlette:
    """The explorer app; its simulation worker starts with the app and stops with it."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.worker = SimulationWorker(time_limit_s)
        try:
            yield
        finally:
            app.state.worker.close()

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/config", config),
            Route("/api/run", run, methods=["POST"]),
            Route("/api/download/{kind}", download, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS))],
        exception_handlers={Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.config = _config()
    return app
