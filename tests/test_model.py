"""Structure of the assembled model and its resting steady state."""

import re

import numpy as np
import pytest

from myokine_sim.model import COMPARTMENTS
from myokine_sim.model.assembly import scalar_functions
from myokine_sim.model.inputs import INPUTS


def random_parameter_sets(model, count, seed=0):
    """Parameter sets drawn log-uniformly within each parameter's plausible bounds."""
    rng = np.random.default_rng(seed)
    lower = np.array([p.lower for p in model.parameters])
    upper = np.array([p.upper for p in model.parameters])
    positive = lower > 0
    draws = rng.uniform(size=(count, len(lower)))
    values = lower + draws * (upper - lower)
    values[:, positive] = np.exp(
        np.log(lower[positive]) + draws[:, positive] * (np.log(upper[positive]) - np.log(lower[positive]))
    )
    return values


def test_every_parameter_has_unit_bounds_description_and_source(model):
    names = [p.name for p in model.parameters]
    assert len(names) == len(set(names))
    for p in model.parameters:
        assert p.unit and p.description and p.source, p.name
        assert p.lower < p.upper and p.lower <= p.value <= p.upper, p.name
        compartment = p.name.split(".")[0]
        assert compartment in {c.name for c in COMPARTMENTS}, p.name


def test_state_and_column_names_are_unique_and_carry_units(model):
    names = [*model.state_names, *model.input_names, *model.output_names]
    assert len(names) == len(set(names))
    for name in names:
        assert model.units[name], name


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rest_is_an_exact_steady_state_for_any_parameters(model, seed):
    compiled = model.compiled
    no_inputs = [0.0] * len(model.inputs)
    scales = np.array([s.scale for s in model.states])
    for values in random_parameter_sets(model, 20, seed):
        P = list(values)
        K = compiled.constants(P)
        rest = compiled.rest(P, K)
        derivative = np.array(compiled.rhs(rest, P, K, no_inputs, [0.0] * len(rest)))
        # Exactly zero up to rounding of the terms that cancel.
        assert np.all(np.abs(derivative) <= 1e-12 * (scales + np.abs(rest))), dict(
            zip(model.state_names, derivative)
        )


def test_scalar_and_batch_code_agree(model):
    compiled = model.compiled
    sets = random_parameter_sets(model, 5, seed=3)
    given = {"intensity_pct_vo2max": 70.0, "whole_leg_exercise": 1.0, "running": 1.0, "il6_infusion_ng_min": 100.0,
             "il6_infusion_plasma_rise_pg_ml": 50.0, "hydrocortisone_infusion_ug_kg_min": 2.0}
    inputs = [given.get(quantity.name, 0.0) for quantity in INPUTS]
    rng = np.random.default_rng(4)
    batch_params = [sets[:, i] for i in range(sets.shape[1])]
    K_batch = compiled.batch_constants(batch_params)
    members = sets.shape[0]
    rest = np.array([np.broadcast_to(v, (members,)) for v in compiled.batch_rest(batch_params, K_batch)])
    y = rest * rng.uniform(0.5, 1.5, size=rest.shape) + 0.01
    out_batch = np.empty_like(y)
    compiled.batch_rhs(y, batch_params, K_batch, inputs, out_batch)
    for member in range(sets.shape[0]):
        P = list(sets[member])
        K = compiled.constants(P)
        single = compiled.rhs(list(y[:, member]), P, K, inputs, [0.0] * y.shape[0])
        np.testing.assert_allclose(out_batch[:, member], single, rtol=1e-12, atol=1e-14)


def test_inlined_extrema_give_exactly_what_the_builtins_give(model):
    """Single runs compile max/min of two floats as conditional expressions: bit for bit the builtins' results,
    including ties, signed zeros and NaN operands, over states far from rest."""
    inlined, builtin = model.compiled, scalar_functions(model.compiled.source, inline_extrema=False)
    extrema = {"maximum", "minimum"}
    assert extrema <= set(builtin["rhs"].__code__.co_names)
    assert not extrema & (set(inlined.rhs.__code__.co_names) | set(inlined.observe.__code__.co_names))

    def outcome(function, *arguments):
        """The result's bytes (so -0.0 differs from 0.0 and NaNs are compared), or the error's type."""
        try:
            return np.array(function(*arguments), dtype=float).tobytes()
        except (ArithmeticError, ValueError, TypeError) as error:
            return type(error)

    rng = np.random.default_rng(5)
    special = [float("nan"), 0.0, -0.0, -1.0]
    compared = 0
    for trial, values in enumerate(random_parameter_sets(model, 8, seed=6)):
        P = values.tolist()  # floats, as a single run passes them
        K = inlined.constants(P)
        assert K == builtin["constants"](P)
        rest = np.array(inlined.rest(P, K))
        assert list(rest) == builtin["rest"](P, K)
        for draw in range(25):
            y = rest * rng.uniform(-0.2, 3.0, size=rest.size)
            # Signed zeros, negatives and a NaN in one state, which must propagate alike.
            y[rng.integers(rest.size)] = special[draw % len(special)]
            state = y.tolist()
            inputs = [0.0] * len(model.input_names)
            for name, value in (("intensity_pct_vo2max", float(rng.choice([0.0, 30.0, 70.0, 95.0]))),
                                ("whole_leg_exercise", 1.0), ("running", float(draw % 2))):
                inputs[model.input_names.index(name)] = value
            calls = (("rhs", (state, P, K, inputs, [0.0] * rest.size)), ("observe", (state, P, K, inputs)))
            for name, arguments in calls:
                first = outcome(getattr(inlined, name), *arguments)
                assert first == outcome(builtin[name], *arguments), f"{name}: set {trial}, draw {draw}"
                compared += isinstance(first, bytes)
    assert compared > 300  # most draws evaluate (a zero denominator raises alike in both)


def test_jacobian_sparsity_contains_the_known_couplings(model):
    pattern = model.jacobian_sparsity()
    index = model.state_index
    assert pattern[index["plasma_il6_pg_ml"]][index["muscle_il6_protein_ng_kg"]]
    assert pattern[index["il6_mrna_fold"]][index["il6_transcription_fold"]]
    assert not pattern[index["muscle_glycogen_mmol_kg_dw"]][index["tnf_alpha_pg_ml"]]
    for name in model.state_names:  # every state at least feels itself or a driver
        assert any(pattern[index[name]]), name


def test_parameter_only_subexpressions_are_hoisted(model):
    source = model.compiled.source
    rhs = source[source.index("def rhs"): source.index("def observe")]
    # The resting IL-6 production is a parameter-only term: computed in constants(), not per step.
    assert "p_plasma_il6__baseline_pg_ml" not in rhs


def test_the_scan_for_words_keeps_exactly_the_lines_a_search_per_name_keeps(model, monkeypatch):
    # The reference: one regular-expression search per candidate line, as the generator first did it.
    from myokine_sim.model import assembly

    def searched_uses(lines, body):
        text = "\n".join(body)
        return [line for line in lines if re.search(rf"\b{line.split('=')[0].strip()}\b", text)]

    def searched_needed(lines, consumers):
        text, kept = "\n".join(consumers), []
        for line in reversed(lines):
            if re.search(rf"\b{line.split('=')[0].strip()}\b", text):
                kept.append(line)
                text += "\n" + line
        return kept[::-1]

    scanned = assembly.generate_source(model)
    monkeypatch.setattr(assembly, "_uses", searched_uses)
    monkeypatch.setattr(assembly, "_needed", searched_needed)
    assert assembly.generate_source(model) == scanned


def test_a_generated_line_must_assign_a_single_name():
    from myokine_sim.model import assembly

    assert assembly._assigned("    p_a__b = P[3]") == "p_a__b"
    for line in ("a, b = y", "a.b = 1", " = 2"):
        with pytest.raises(ValueError):
            assembly._assigned(line)


def test_generated_functions_assign_only_the_names_they_read_afterwards(model):
    # rhs, observe and rest keep an unpacking or variable line only if a later line reads its name.
    source = model.compiled.source
    for function in ("rhs", "observe", "rest"):
        start = source.index(f"def {function}(")
        end = source.find("\n\n", start)
        body = source[start:end if end >= 0 else None].splitlines()[1:]
        assigned = [(i, line.split("=")[0].strip()) for i, line in enumerate(body)
                    if " = " in line and not line.lstrip().startswith("out[")]
        assert assigned, function
        for i, name in assigned:
            assert re.search(rf"\b{name}\b", "\n".join(body[i + 1:])), f"{function}: {name} is never read"
