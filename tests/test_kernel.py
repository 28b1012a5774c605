"""The compiled kernel (numba, ``myokine_sim[fast]``) against the NumPy and scipy paths.

Every comparison is in tolerance-normalised errors, ``|y - y_ref| / (atol + rtol |y_ref|)``.
The kernel follows scipy's RK45 step by step, so it must agree with the NumPy batch and with
scipy's own single runs to rounding; "to rounding" here is 1e-4 of the tolerance.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import myokine_sim as ms
from myokine_sim import kernel, solver
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import load_scenario, scenario_from_dict
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

from conftest import normalised_error

# Of the solver tolerance: what rounding alone may change.
ROUNDING = 1e-4
# Across the compiled and NumPy kernels rounding differences are amplified where the step-size controller accepts a
# step in one and rejects it in the other (4.2e-4 in endotoxin_exercise, member 9, plasma IL-6 at 478 min, since
# 2026-12-07; 2.4e-7 with rtol 1e-7), while a different formula gives differences of order 1.
ROUNDING_ACROSS_KERNELS = 1e-3


def _needs_numba():
    pytest.importorskip("numba")


def _population(model, scenario, members, seed=3):
    base = np.array(parameter_vector(model, resolve_parameters(scenario, model=model)))
    parameters = np.tile(base, (members, 1))
    generator = np.random.default_rng(seed)
    for name in ("plasma_il6.clearance_per_min", "exercise.vo2_rate_per_min",
                 "muscle_il6.translation_ng_kg_min_per_fold", "muscle_glycogen.use_rate_mmol_kg_min"):
        parameter = model.parameter(name)
        column = model.parameter_index[name]
        factors = np.exp(0.3 * generator.standard_normal(members))
        parameters[:, column] = np.clip(parameters[:, column] * factors, parameter.lower, parameter.upper)
    return parameters


def _atol(model):
    return ATOL_FRACTION * np.array([s.scale for s in model.states])


@pytest.mark.parametrize("name", ["cycling_60min_65pct", "endotoxin_exercise", "il6_infusion_high"])
def test_kernel_equals_the_numpy_batch_to_rounding(model, name):
    _needs_numba()
    scenario = load_scenario(name)
    parameters = _population(model, scenario, 12)
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    settings = SolverSettings(method="RK45")
    compiled = integrate(model, parameters, schedule, times, settings, kernel="numba")
    numpy = integrate(model, parameters, schedule, times, settings, kernel="numpy")
    error = normalised_error(compiled.states, numpy.states, settings.rtol, _atol(model)[:, None, None])
    assert error.max() < ROUNDING_ACROSS_KERNELS
    assert compiled.method == numpy.method == "RK45"


def test_per_member_breakpoints_equal_single_runs_and_appear_in_each_members_output(model):
    _needs_numba()
    base = load_scenario("cycling_60min_65pct")
    documents = []
    for start, duration, dose in ((0.0, 60.0, None), (12.5, 33.3, 0.06), (30.0, 95.0, None), (5.25, 17.0, 0.2)):
        document = base.model_dump()
        document["exercise"][0].update(start_min=start, duration_min=duration)
        if dose is not None:
            document["endotoxin"] = [{"time_min": start + duration / 2, "dose_ng_per_kg": dose}]
        document["simulation"]["t_end_min"] = 360.0
        documents.append(document)
    scenarios = [scenario_from_dict(d, "test") for d in documents]
    schedules = [s.schedule() for s in scenarios]
    parameters = _population(model, base, len(schedules))
    own_times = [output_times(s, 1.0) for s in schedules]
    width = max(len(t) for t in own_times)
    member_times = np.array([np.pad(t, (0, width - len(t)), mode="edge") for t in own_times])
    settings = SolverSettings(method="RK45")
    batch = integrate(model, parameters, schedules, member_times, settings, kernel="numba")
    atol = _atol(model)[:, None]
    for member, schedule in enumerate(schedules):
        assert set(schedule.breakpoints) <= set(batch.time_min[member].tolist())
        # A batch of one with method RK45 is scipy's own solve_ivp(RK45), segment by segment.
        single = integrate(model, parameters[member:member + 1], schedule, own_times[member], settings,
                           kernel="numpy")
        assert single.method == "RK45"
        states = batch.states[:, member, :len(own_times[member])]
        assert normalised_error(states, single.states[:, 0], settings.rtol, atol).max() < ROUNDING, member
    # The bolus is in the sample at its own time (post-dose), as in a single run.
    endotoxin = model.state_index["plasma_endotoxin_ng_kg"]
    when = scenarios[1].endotoxin[0].time_min
    at = list(batch.time_min[1]).index(when)
    assert batch.states[endotoxin, 1, at] - batch.states[endotoxin, 1, at - 1] == pytest.approx(0.06, rel=1e-3)


def test_kernel_with_shared_times_and_own_breakpoints_stays_within_tolerance_of_a_tight_reference(model):
    _needs_numba()
    short = load_scenario("cycling_60min_65pct")
    document = short.model_dump()
    document["exercise"][0]["duration_min"] = 45.0
    schedules = [short.schedule(), scenario_from_dict(document, "test").schedule()]
    vector = parameter_vector(model, resolve_parameters(short))
    times = np.union1d(output_times(schedules[0], 1.0), output_times(schedules[1], 1.0))
    batch = integrate(model, np.array([vector, vector]), schedules, times, SolverSettings(), kernel="numba")
    for member, schedule in enumerate(schedules):
        reference = integrate(model, np.array([vector]), schedule, times,
                              SolverSettings(method="RK45", rtol=1e-10, atol_fraction=1e-10)).states[:, 0]
        error = normalised_error(batch.states[:, member], reference, 1e-6, _atol(model)[:, None])
        assert error.max() < 2.0 * np.sqrt(len(model.states))


def test_a_failing_member_is_named(model, monkeypatch):
    _needs_numba()
    scenario = load_scenario("cycling_60min_65pct")
    parameters = _population(model, scenario, 5)
    parameters[3, model.parameter_index["plasma_il6.clearance_per_min"]] = np.nan
    schedule = scenario.schedule()
    with pytest.raises(ms.SimulationError) as raised:
        integrate(model, parameters, schedule, output_times(schedule, 1.0), kernel="numba")
    assert raised.value.member == 3


def test_the_kernel_is_the_models_generated_rhs_and_is_cached_across_processes(model):
    _needs_numba()
    scenario = load_scenario("cycling_60min_65pct")
    schedule = scenario.schedule()
    integrate(model, _population(model, scenario, 4), schedule, output_times(schedule, 1.0), kernel="numba")
    where = kernel.kernel_file(model.compiled.source)
    text = where.path.read_text()
    assert kernel._function_source(model.compiled.source, "rhs") in text
    assert where.ready and str(where.path).startswith(os.environ["MYOKINE_CACHE_DIR"])
    probe = (
        "import numpy as np, myokine_sim as ms\n"
        "from myokine_sim import kernel\n"
        "from myokine_sim.solver import integrate, output_times\n"
        "model = ms.build_model(); s = ms.load_scenario('cycling_60min_65pct').schedule()\n"
        "p = np.tile(model.default_values(), (2, 1))\n"
        "integrate(model, p, s, output_times(s, 1.0), kernel='numba')\n"
        "m = kernel.load(model.compiled.source)\n"
        "stats = m.integrate_serial.stats\n"
        "print(sum(stats.cache_misses.values()), sum(stats.cache_hits.values()))\n"
    )
    environment = {**os.environ, "MYOKINE_KERNEL_THREADS": "1"}
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env=environment).stdout.split()
    misses, hits = output[-2:]
    assert int(misses) == 0 and int(hits) >= 1


def test_without_a_home_directory_the_kernel_file_goes_to_a_private_folder(model, monkeypatch, tmp_path,
                                                                          no_home_directory):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    kernel.kernel_file.cache_clear()
    try:
        where = kernel.kernel_file(model.compiled.source)
    finally:
        kernel.kernel_file.cache_clear()
    assert where.folder.parent == tmp_path and where.folder.name.startswith("myokine_sim-kernel-")


def test_without_numba_batches_use_numpy_and_asking_for_the_kernel_says_what_to_install(model, monkeypatch):
    monkeypatch.setattr(kernel, "available", lambda: False)
    assert not solver.use_kernel(model, "auto", 5000)
    with pytest.raises(ValueError, match="fast"):
        solver.use_kernel(model, "auto", 10, "numba")


def test_single_runs_do_not_import_numba():
    probe = "import sys, myokine_sim as ms\nms.simulate('cycling_60min_65pct')\nprint('numba' in sys.modules)\n"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "False"


def test_the_kernel_choice_follows_the_documented_rule(model, monkeypatch):
    monkeypatch.setattr(kernel, "available", lambda: True)
    monkeypatch.setattr(kernel.KernelFile, "ready", property(lambda self: True))
    assert not solver.use_kernel(model, "auto", 1)  # single runs: LSODA, even compiled already
    assert not solver.use_kernel(model, "RK45", 1)  # an explicit method on one run: scipy's own
    assert solver.use_kernel(model, "auto", 1, "numba")  # unless asked for
    assert solver.use_kernel(model, "auto", 2)  # a batch, compiled already
    assert not solver.use_kernel(model, "BDF", 5000)
    assert solver.use_kernel(model, "auto", solver.KERNEL_COMPILE_MIN_MEMBERS)
    assert not solver.use_kernel(model, "auto", 5000, "numpy")
    monkeypatch.setenv("MYOKINE_KERNEL", "numpy")
    assert not solver.use_kernel(model, "auto", 5000)


def test_a_duration_sweep_in_one_compiled_batch_equals_single_runs(model, monkeypatch):
    _needs_numba()
    from myokine_sim.sweeps.evaluate import member_scenario

    space = {"names": ["exercise.0.duration_min", "exercise.0.intensity_pct_vo2max"], "bounds": [[15, 150], [40, 80]]}
    tables = {}
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("MYOKINE_KERNEL", choice)
        tables[choice] = ms.sweep("cycling_60min_65pct", space, 10, method="lhs", seed=4, trajectories=True,
                                  progress=False)
    compiled, numpy = tables["numba"], tables["numpy"]
    assert compiled.ok.all() and numpy.ok.all()
    durations = compiled["exercise.0.duration_min"]
    assert len(set(durations)) == 10  # ten different breakpoints: in NumPy, ten batches of one
    base = load_scenario("cycling_60min_65pct")
    vector = np.array([parameter_vector(model, resolve_parameters(base, model=model))])
    plasma = model.state_index["plasma_il6_pg_ml"]
    atol = _atol(model)
    for member, (duration, intensity) in enumerate(zip(durations, compiled["exercise.0.intensity_pct_vo2max"])):
        scenario = member_scenario(base, [(("exercise", 0, "duration_min"), duration),
                                          (("exercise", 0, "intensity_pct_vo2max"), intensity)])
        schedule = scenario.schedule()
        schedule = type(schedule)(schedule.bouts, schedule.infusions, schedule.boluses, compiled.time_min[-1])
        times = np.union1d(compiled.time_min, schedule.breakpoints)
        # A batch of one with method RK45 is scipy's own solve_ivp(RK45): the kernel's steps, to rounding.
        single = integrate(model, vector, schedule, times, SolverSettings(method="RK45"), kernel="numpy").states[:, 0]
        peak = single[plasma].max()
        assert normalised_error(compiled["peak.plasma_il6_pg_ml"][member], peak, 1e-6, atol[plasma]) < 1e-3
        assert compiled["time_of_peak_min.plasma_il6_pg_ml"][member] == times[np.argmax(single[plasma])]
        common = np.searchsorted(times, compiled.time_min)
        trajectory = compiled.trajectories["plasma_il6_pg_ml"][member]
        assert normalised_error(trajectory, single[plasma, common], 1e-6, atol[plasma]).max() < 1e-3
    # The NumPy path (batches of one: LSODA) agrees within the tolerance (RMS norm: sqrt(n) for one state).
    for column in ("peak.plasma_il6_pg_ml", "end.plasma_il6_pg_ml", "min.muscle_glycogen_mmol_kg_dw"):
        state = model.state_index[column.split(".", 1)[1]]
        error = normalised_error(compiled[column], numpy[column], 1e-6, atol[state])
        assert error.max() < 2.0 * np.sqrt(len(model.states)), column


def test_compiled_metrics_equal_the_numpy_metrics_of_a_population(monkeypatch):
    _needs_numba()
    tables = {}
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("MYOKINE_KERNEL", choice)
        tables[choice] = ms.sweep("cycling_60min_65pct", None, 40, method="population", seed=2, progress=False)
    compiled, numpy = tables["numba"], tables["numpy"]
    assert compiled.ok.all() and numpy.ok.all()
    names = [name for name in numpy.columns if name.split(".", 1)[0] in
             ("baseline", "peak", "min", "end", "fold_peak")]
    assert len(names) > 100
    for name in names:
        reference = np.asarray(numpy[name], dtype=float)
        # Round-off scales with the largest value the quantity takes in the run, not with a decayed tail.
        metric, quantity = name.split(".", 1)
        same_unit = metric != "fold_peak" and f"peak.{quantity}" in numpy.columns
        peak = numpy[f"peak.{quantity}"] if same_unit else reference
        scale = max(np.max(np.abs(np.nan_to_num(reference))), np.max(np.abs(np.nan_to_num(np.asarray(peak, float)))))
        scale += 1e-300
        # The same steps (to 1e-6 of the tolerance) and the same formulas: equal far below the tolerance.
        np.testing.assert_allclose(compiled[name], reference, rtol=1e-6, atol=1e-9 * scale, err_msg=name)
    for name in ("time_of_peak_min.plasma_il6_pg_ml", "time_of_min_min.muscle_glycogen_mmol_kg_dw",
                 "time_of_peak_min.il6_mrna_fold"):
        np.testing.assert_array_equal(compiled[name], numpy[name], err_msg=name)


def test_a_seven_day_run_in_the_kernel_agrees_with_lsoda_and_single_runs_keep_lsoda(model):
    _needs_numba()
    scenario = load_scenario("training_7days_high_carbohydrate")
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    vector = np.array([parameter_vector(model, resolve_parameters(scenario, model=model))])
    compiled = integrate(model, vector, schedule, times, kernel="numba")
    lsoda = integrate(model, vector, schedule, times)
    assert (compiled.method, lsoda.method) == ("RK45", "LSODA")
    reference = integrate(model, vector, schedule, times, SolverSettings(method="LSODA", rtol=1e-10,
                                                                         atol_fraction=1e-10)).states
    atol = _atol(model)[:, None, None]
    # Both within a few tolerances of the reference (global error over 7 days; RMS norm, see test_analytic).
    for solution in (compiled, lsoda):
        assert normalised_error(solution.states, reference, 1e-6, atol).max() < 4.0 * np.sqrt(len(model.states))


def test_a_failing_member_of_an_own_breakpoint_batch_is_isolated_and_the_others_complete(model):
    _needs_numba()
    from myokine_sim.sweeps.evaluate import _integrate_resilient, member_sample_times

    base = load_scenario("cycling_60min_65pct")
    schedules = []
    for duration in (20.0, 35.5, 50.0, 61.25, 90.0):
        document = base.model_dump()
        document["exercise"][0]["duration_min"] = duration
        schedules.append(scenario_from_dict(document, "test").schedule())
    parameters = _population(model, base, len(schedules))
    parameters[2, model.parameter_index["plasma_il6.clearance_per_min"]] = np.nan
    times = member_sample_times(output_times(schedules[0], 1.0), schedules)
    states, failures = _integrate_resilient(model, parameters, schedules, times, SolverSettings(method="RK45"))
    assert list(failures) == [2]
    assert np.isnan(states[:, :, 2]).all() and np.isfinite(np.delete(states, 2, axis=2)).all()
    for member in (0, 4):
        alone = integrate(model, parameters[member:member + 1], schedules[member], times[member], kernel="numba")
        np.testing.assert_allclose(states[:, :, member], alone.states[:, 0], rtol=1e-12, atol=1e-300)


def test_a_kernel_that_does_not_compile_leaves_batches_and_sweeps_on_the_numpy_path(model, monkeypatch):
    _needs_numba()
    from numba.core.errors import TypingError

    class Uncompilable:
        @staticmethod
        def integrate_serial(*arguments):
            raise TypingError("a rate law calls a function numba lacks")

        integrate_parallel = summarise_serial = summarise_parallel = integrate_serial
        integrate_summarise_serial = integrate_summarise_parallel = integrate_serial

    monkeypatch.setattr(kernel, "load", lambda source: Uncompilable)
    monkeypatch.setattr(kernel, "_broken", set())
    monkeypatch.delenv("MYOKINE_KERNEL", raising=False)
    scenario = load_scenario("cycling_60min_65pct")
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    parameters = _population(model, scenario, solver.KERNEL_COMPILE_MIN_MEMBERS)
    with pytest.warns(RuntimeWarning, match="NumPy path"):
        solution = integrate(model, parameters, schedule, times)
    assert kernel.broken(model.compiled.source) and not solver.use_kernel(model, "auto", 5000)
    np.testing.assert_array_equal(solution.states, integrate(model, parameters, schedule, times,
                                                             kernel="numpy").states)
    with pytest.raises(kernel.KernelUnavailable):
        integrate(model, parameters[:3], schedule, times, kernel="numba")
    monkeypatch.setattr(kernel, "_broken", set())  # a sweep meets the failure inside a chunk
    space = {"names": ["exercise.0.duration_min"], "bounds": [[15, 150]]}
    table = ms.sweep("cycling_60min_65pct", space, 6, method="lhs", seed=1, progress=False)
    assert table.ok.all()


def test_the_kernel_imports_the_math_functions_the_generated_code_calls():
    names = kernel._math_names("def rhs(y, P, K, U, out):\n    out[0] = tanh(y[0]) + maximum(y[1], 0.0)\n")
    assert "tanh" in names.split(", ") and "maximum" not in names


def test_integrating_and_summarising_in_one_pass_equals_integrate_then_metrics_and_isolates_failures(model):
    _needs_numba()
    from myokine_sim.simulation import schedule_inputs
    from myokine_sim.sweeps.evaluate import compiled_metrics

    scenario = load_scenario("endotoxin_exercise")
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    parameters = _population(model, scenario, 6)
    parameters[3, model.parameter_index["plasma_il6.clearance_per_min"]] = np.nan
    inputs = schedule_inputs(model, schedule, times)[:, :, None]
    columns = ("plasma_il6_pg_ml", "muscle_glycogen_mmol_kg_dw", "il6_release_ng_min", "intensity_pct_vo2max")
    fused = solver.integrate_summaries(model, parameters, schedule, times, SolverSettings(), columns, inputs,
                                       ("plasma_il6_pg_ml",))
    assert list(fused.failures) == [3] and "between 0 and" in fused.failures[3]
    good = [0, 1, 2, 4, 5]
    solution = integrate(model, parameters[good], schedule, times, kernel="numba")
    states = np.moveaxis(solution.states, 1, 2)
    separate = compiled_metrics(model, columns, parameters[good], states, list(inputs), times)
    for column in columns:
        for metric, values in separate[column].items():
            np.testing.assert_array_equal(fused.metrics[column][metric][good], values, err_msg=f"{metric}.{column}")
        assert np.isnan(fused.metrics[column]["peak"][3])
    plasma = model.state_index["plasma_il6_pg_ml"]
    np.testing.assert_array_equal(fused.kept["plasma_il6_pg_ml"][:, good], states[plasma])


def test_a_metrics_only_duration_sweep_in_one_kernel_pass_equals_the_same_sweep_with_trajectories(monkeypatch):
    _needs_numba()
    monkeypatch.setenv("MYOKINE_KERNEL", "numba")
    space = {"names": ["exercise.0.duration_min", "exercise.0.start_min"], "bounds": [[15, 150], [0, 60]]}
    fused = ms.sweep("cycling_60min_65pct", space, 8, method="lhs", seed=5, progress=False)
    stored = ms.sweep("cycling_60min_65pct", space, 8, method="lhs", seed=5, trajectories=True, progress=False)
    assert fused.ok.all() and len(set(fused["exercise.0.start_min"])) == 8
    for name in fused.columns:
        if name != "status":
            np.testing.assert_array_equal(fused[name], stored[name], err_msg=name)


def test_population_bands_from_the_one_pass_kernel_equal_the_numpy_bands(monkeypatch):
    _needs_numba()
    tables = {}
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("MYOKINE_KERNEL", choice)
        tables[choice] = ms.sweep("cycling_60min_65pct", None, 60, method="population", seed=3, progress=False)
    compiled, numpy = tables["numba"], tables["numpy"]
    assert set(compiled.bands) == set(numpy.bands) and compiled.bands
    for name, quantiles in numpy.bands.items():
        for level, values in quantiles.items():
            np.testing.assert_allclose(compiled.bands[name][level], values, rtol=1e-6, err_msg=f"{name} {level}")


def test_a_kernel_file_another_process_wrote_first_is_left_alone(tmp_path):
    # numba dates its cache index by the file's time stamp: rewriting the same text would make later processes
    # compile again. A damaged or stale file is still replaced.
    path = tmp_path / "kernels" / "myokine_kernel_x.py"
    kernel._write_atomically(path, "first = 1\n", replace=False)
    os.utime(path, ns=(10**18, 10**18))
    kernel._write_atomically(path, "second = 2\n", replace=False)  # lost the race to the first writer
    assert path.read_text() == "first = 1\n" and path.stat().st_mtime_ns == 10**18
    kernel._write_atomically(path, "second = 2\n")
    assert path.read_text() == "second = 2\n"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
