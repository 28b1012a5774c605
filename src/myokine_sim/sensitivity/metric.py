"""The scalar a sensitivity analysis explains, named like the summary metrics: ``METRIC.COLUMN``.

``METRIC`` is one of ``results.METRICS`` (``peak``, ``min``, ``end``,
``fold_peak``, ``time_of_peak_min``, ...) and ``COLUMN`` any timeseries
column, e.g. ``peak.plasma_il6_pg_ml`` or ``min.muscle_glycogen_mmol_kg_dw``.

One derived metric compares two runs with the same parameters:

``suppression.COLUMN`` = 1 - (peak - resting value) in the scenario
                           / (peak - resting value) in its control,

where the control is the scenario without its exercise bouts and rhIL-6 and
hydrocortisone infusions (everything else, e.g. an endotoxin bolus, kept; same
end time).
``suppression.tnf_alpha_pg_ml`` in ``endotoxin_exercise`` is the fraction of
the TNF-alpha response to endotoxin that exercise abolishes: 0 when exercise
changes nothing, 1 when the rise is gone (Starkie 2003: "totally attenuated").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from myokine_sim.errors import InputError, SimulationError
from myokine_sim.model import Model
from myokine_sim.results import METRICS
from myokine_sim.scenario import Scenario
from myokine_sim.schedule import INFUSION_DRUG_TABLES
from myokine_sim.simulation import column_order
from myokine_sim.sweeps.given import evaluate_given
from myokine_sim.sweeps.progress import ProgressCallback
from myokine_sim.sweeps.space import Space

SUPPRESSION = "suppression"
#: Scenario tables the control of a suppression metric leaves out: the exercise and every infused drug.
CONTROL_REMOVES = ("exercise", *INFUSION_DRUG_TABLES)


@dataclass(frozen=True)
class Metric:
    name: str  # as given: METRIC.COLUMN
    statistic: str  # one of results.METRICS, or SUPPRESSION
    column: str
    unit: str

    @property
    def needs_control(self) -> bool:
        return self.statistic == SUPPRESSION

    @property
    def label(self) -> str:
        """For axis labels and titles: what the metric is in words, with its unit."""
        from myokine_sim.labels import label

        return label(self.name) if self.needs_control else label(self.name, self.unit)

    @property
    def definition(self) -> str:
        """One sentence, as recorded in sensitivity.json."""
        if self.needs_control:
            return (f"1 - (peak - resting value of {self.column}) in the scenario / (peak - resting value) in the "
                    "same scenario without its exercise bouts and rhIL-6 and hydrocortisone infusions (same "
                    "parameters, same end time)")
        return f"{self.label} over the run (summary.json: {self.name})"


def parse_metric(name: str, model: Model) -> Metric:
    """The metric called ``name``; raises ``InputError`` naming what is allowed."""
    statistic, dot, column = str(name).partition(".")
    statistics = (*METRICS, SUPPRESSION)
    columns = column_order(model)
    if not dot or statistic not in statistics:
        close = difflib.get_close_matches(statistic, statistics, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError("metric", str(name), f"expected METRIC.COLUMN with METRIC one of {', '.join(statistics)}"
                                              f"{hint}, for example peak.plasma_il6_pg_ml")
    if column not in columns:
        close = difflib.get_close_matches(column, columns, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError("metric", str(name), f"unknown column {column!r}{hint}; the timeseries.csv columns are "
                                              "allowed")
    unit = model.units[column]
    if statistic.startswith("time_of_"):
        unit = "min"
    elif statistic in ("fold_peak", SUPPRESSION):
        unit = "1"
    return Metric(str(name), statistic, column, unit)


def control_scenario(scenario: Scenario, metric: Metric) -> Scenario:
    """``scenario`` without its exercise bouts and rhIL-6 and hydrocortisone infusions, ending at the same time."""
    if not any(getattr(scenario, table) for table in CONTROL_REMOVES):
        raise InputError("metric", metric.name, f"{SUPPRESSION} compares the scenario with a control without "
                                                "exercise and rhIL-6 or hydrocortisone infusions; this scenario has "
                                                "none")
    simulation = scenario.simulation.model_copy(update={"t_end_min": scenario.t_end_min})
    removed = {table: [] for table in CONTROL_REMOVES}
    return scenario.model_copy(update={**removed, "simulation": simulation,
                                       "name": f"{scenario.name} (control)"})


def combine(metric: Metric, summaries: list[dict[str, np.ndarray]]) -> np.ndarray:
    """The metric from the summary metrics of the scenario (and of its control, for a suppression)."""
    if not metric.needs_control:
        return np.asarray(summaries[0][metric.statistic], dtype=float)
    rise = summaries[0]["peak"] - summaries[0]["baseline"]
    control_rise = summaries[1]["peak"] - summaries[1]["baseline"]
    suppression = np.full(np.shape(rise), np.nan)
    np.divide(rise, control_rise, out=suppression, where=control_rise > 0.0)
    return 1.0 - suppression


def check_defined(metric: Metric, values: np.ndarray) -> None:
    """Refuse a metric that is undefined for some members (NaN), naming why."""
    undefined = np.count_nonzero(~np.isfinite(values))
    if undefined:
        reason = ("the control's rise is 0" if metric.needs_control
                  else "its resting value is not positive" if metric.statistic == "fold_peak" else "not finite")
        raise InputError("metric", metric.name, f"undefined for {undefined} of {values.size} runs ({reason})")


def evaluate_metric(scenario: Scenario, metric: Metric, space: Space, values: np.ndarray, *, workers: int = 1,
                    scheduler: str | None = None, progress: bool | ProgressCallback | None = None) -> np.ndarray:
    """The metric of every member ``values`` ``(members, len(space))``, evaluated as a sweep."""
    scenarios = [scenario]
    if metric.needs_control:
        for variable in space.variables:
            if variable.kind == "field" and variable.target[0] in CONTROL_REMOVES:
                raise InputError("params", variable.name, f"the control of a {SUPPRESSION} metric has no "
                                                          "such table; vary model parameters or other scenario fields")
        scenarios.append(control_scenario(scenario, metric))
    summaries = []
    for run in scenarios:
        table = evaluate_given(run, space, values, columns=[metric.column], workers=workers, scheduler=scheduler,
                               progress=progress)
        failed = np.nonzero(~table.ok)[0]
        if failed.size:
            raise SimulationError(f"{failed.size} of {len(table)} runs of {run.name} failed (first: member "
                                  f"{failed[0]}: {table['status'][failed[0]]}); narrow the ranges")
        summaries.append({statistic: table[f"{statistic}.{metric.column}"] for statistic in METRICS})
    result = combine(metric, summaries)
    check_defined(metric, result)
    return result

