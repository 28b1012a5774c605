"""Simulations for the explorer, in a separate process that is stopped when it runs over its time limit.

A thread cannot be stopped, a process can: a run over the limit ends its
worker, and a fresh one starts. One worker serves one request at a time (the
page sends its next request when the last one has answered). The worker
imports the solver stack, so the server process stays light.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading

from myokine_sim.errors import InputError, MyokineError

#: Longest a single request may compute (seconds); a 14-day run with minute samples takes a few seconds.
DEFAULT_TIME_LIMIT_S = 30.0
#: Longest a fresh worker may take to import and warm up.
START_TIMEOUT_S = 120.0


class TimeLimitExceeded(MyokineError):
    """A request ran over its time limit and its worker was stopped."""


def _handle(task: str, body: dict):
    from myokine_sim.explore.controls import (
        BAND_SEED,
        kept_items,
        parse_request,
        preset_document,
        scenario_from_request,
        scenario_toml,
    )
    from myokine_sim.explore.payload import run_json
    from myokine_sim.simulation import simulate

    request = parse_request(body)
    scenario, changed = scenario_from_request(request)
    if task == "toml":
        return f"{scenario.name}.toml", scenario_toml(scenario).encode("utf-8")
    result = simulate(scenario)
    if task == "run" and request.uncertainty:
        from myokine_sim.prediction_bands import with_bands

        # The code path of ``myokine run --uncertainty N`` with its default seed.
        result = with_bands(result, scenario, request.uncertainty, BAND_SEED)
    if task == "run":
        return run_json(result, scenario, changed, kept_items(preset_document(request.preset)),
                        evidence=nearest_study(scenario))
    if task == "csv":
        return f"{scenario.name}-timeseries.csv", result.to_csv_text().encode("utf-8")
    if task == "png":
        from myokine_sim.figures import figure_bytes, teaching_figure

        return f"{scenario.name}-figure.png", figure_bytes(teaching_figure(result, scenario.description or None))
    raise ValueError(f"unknown task {task!r}")


#: The calibration studies, loaded once per worker (loading their scenarios takes about 0.25 s).
_STUDIES = None


def nearest_study(scenario) -> dict | None:
    """The calibration study nearest to ``scenario`` for the page's readout (see ``myokine evidence``); None if
    it cannot be found, so the run is still shown."""
    global _STUDIES
    from myokine_sim.calibration.evidence import calibration_studies, nearest_studies

    try:
        if _STUDIES is None:
            _STUDIES = calibration_studies()
        (nearest,) = nearest_studies(scenario, limit=1, studies=_STUDIES)
        return nearest.as_record()
    except Exception:  # noqa: BLE001 - the readout's extra line must never cost the user the run
        return None


def _serve(connection) -> None:  # pragma: no cover - runs in the worker process
    """The worker's loop: answer each (task, body) with ("ok", value), ("input", source, field, problem)
    or ("error", text)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then ends this worker
    from myokine_sim.simulation import simulate

    simulate(_warm_up_scenario())
    nearest_study(_warm_up_scenario())  # loads the studies' protocols before the first request
    connection.send(("ready",))
    while True:
        try:
            task, body = connection.recv()
        except EOFError:
            return
        try:
            answer = ("ok", _handle(task, body))
        except InputError as error:
            answer = ("input", error.source, error.field, error.problem)
        except Exception as error:  # noqa: BLE001 - the page gets a message, never a traceback
            answer = ("error", f"{type(error).__name__}: {error}")
        connection.send(answer)


def _warm_up_scenario():
    """A short run that generates and loads the model's code before the first request."""
    from myokine_sim.scenario import scenario_from_dict

    return scenario_from_dict({"name": "warm_up", "exercise": [{"duration_min": 5}],
                               "simulation": {"t_end_min": 10}})


class SimulationWorker:
    """``call(task, body)`` runs ``task`` ("run", "toml", "csv", "png") for a request body in the worker process."""

    def __init__(self, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> None:
        self.time_limit_s = time_limit_s
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._process = None
        self._connection = None
        self._ready = False
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child,), name="myokine-explore-worker",
                                              daemon=True)
        self._process.start()
        child.close()
        self._connection = parent
        self._ready = False

    def _wait_ready(self) -> None:
        if self._ready:
            return
        if not self._connection.poll(START_TIMEOUT_S):
            self._stop()
            self._start()
            raise MyokineError(f"the simulation worker did not start within {START_TIMEOUT_S:g} s")
        try:
            self._connection.recv()
        except EOFError:
            self._stop()
            self._start()
            raise MyokineError("the simulation worker stopped while starting") from None
        self._ready = True

    def call(self, task: str, body: dict):
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._stop()
                self._start()
            self._wait_ready()
            self._connection.send((task, body))
            if not self._connection.poll(self.time_limit_s):
                self._stop()
                self._start()  # the next request finds a fresh worker
                raise TimeLimitExceeded(
                    f"the simulation took longer than {self.time_limit_s:g} s and was stopped; "
                    "allowed: a shorter run (run length) or fewer events")
            try:
                answer = self._connection.recv()
            except EOFError:
                self._stop()
                self._start()
                raise MyokineError("the simulation worker stopped unexpectedly; try again") from None
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "input":
            raise InputError(*answer[1:])
        raise MyokineError(answer[1])

    def _stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = None
        self._connection = None

    def close(self) -> None:
        with self._lock:
            self._stop()
