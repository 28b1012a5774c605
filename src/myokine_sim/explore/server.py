"""Run the explorer on 127.0.0.1 with uvicorn, print its address and open the browser."""

from __future__ import annotations

import errno
import socket
import threading
import time
import webbrowser

from myokine_sim.errors import InputError
from myokine_sim.extras import require_all

HOST = "127.0.0.1"  # this machine only


def listening_socket(port: int | None) -> socket.socket:
    """A socket bound to 127.0.0.1 on ``port``, or on a free port the system picks; refused with the reason."""
    # IPPROTO_TCP by name: asyncio sets TCP_NODELAY only on such sockets, and without it a kept-alive
    # connection waits ~40 ms for delayed ACKs on every answer.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.bind((HOST, port or 0))
    except OSError as error:
        sock.close()
        reason = "in use" if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
        raise InputError("--port", str(port), f"cannot listen on {HOST}:{port}: {reason}; allowed: a free port, "
                                              "or no --port for any free one") from None
    sock.listen(128)  # connections made before uvicorn has started wait in the backlog instead of being refused
    return sock


def _open_when_started(server, address: str) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        webbrowser.open(address)


def serve(port: int | None = None, open_browser: bool = True, echo=print) -> None:
    """Serve until Ctrl-C; prints the address first (``echo``), then opens it in the default browser if asked."""
    require_all(("starlette", "uvicorn"), "myokine explore")
    import uvicorn

    from myokine_sim.explore.app import create_app

    sock = listening_socket(port)
    address = f"http://{HOST}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning", access_log=False, lifespan="on"))
    echo(f"myokine explore: serving on {address} (Ctrl-C stops it)")
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, address), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has shut down cleanly, then passes Ctrl-C on
        pass
    finally:
        sock.close()
    echo("myokine explore: stopped")
