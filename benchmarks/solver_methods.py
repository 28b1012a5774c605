"""Why the solver uses LSODA for one run and RK45 for batches (a report, no asserts).

For each scipy method: time, right-hand-side evaluations and the largest error
against a Radau reference at rtol 1e-11, normalised by atol + rtol |y| at the
default tolerances. Then a batch of 500 members: per-member RK45 versus
single-run LSODA in a loop.

Run: .venv/bin/python benchmarks/solver_methods.py
"""

from __future__ import annotations

from functools import partial

import numpy as np

from myokine_sim.model import build_model
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import ATOL_FRACTION, SolverSettings, integrate, output_times

from timing import median_time  # benchmarks/timing.py, beside this script


def main() -> None:
    model = build_model()
    scenario = load_scenario("marathon")
    vector = np.array([parameter_vector(model, resolve_parameters(scenario))])
    schedule = scenario.schedule()
    times = output_times(schedule, 1.0)
    scales = np.array([s.scale for s in model.states])[:, None, None]
    reference = integrate(model, vector, schedule, times,
                          SolverSettings(method="Radau", rtol=1e-11, atol_fraction=1e-11)).states

    print("marathon, one member: method, median time, RHS evaluations, max normalised error")
    for method in ("LSODA", "RK45", "RK23", "BDF", "Radau"):
        settings = SolverSettings(method=method)
        seconds, solution = median_time(partial(integrate, model, vector, schedule, times, settings))
        error = np.abs(solution.states - reference) / (ATOL_FRACTION * scales + 1e-6 * np.abs(reference))
        print(f"  {method:7s} {seconds * 1e3:7.1f} ms  {solution.n_rhs_evaluations:6d}  {error.max():8.2f}")

    members = 500
    rng = np.random.default_rng(0)
    batch = np.tile(vector, (members, 1)) * rng.lognormal(0.0, 0.1, size=(members, vector.shape[1]))
    lower = np.array([p.lower for p in model.parameters])
    upper = np.array([p.upper for p in model.parameters])
    batch = np.clip(batch, lower, upper)
    rk45, _ = median_time(lambda: integrate(model, batch, schedule, times, SolverSettings(method="RK45")), 3)
    loop_members = 50
    loop, _ = median_time(
        lambda: [integrate(model, batch[i:i + 1], schedule, times, SolverSettings()) for i in range(loop_members)], 3
    )
    per_member_loop = loop / loop_members
    print(f"batch of {members}: per-member RK45 {rk45:.2f} s ({rk45 / members * 1e3:.2f} ms/member); "
          f"LSODA loop {per_member_loop * 1e3:.2f} ms/member; ratio {per_member_loop * members / rk45:.1f}x")


if __name__ == "__main__":
    main()
