import math

import pytest

from myokine_sim.expr import (
    Sym,
    exp,
    hill,
    log,
    maximum,
    minimum,
    softplus,
    symbols_in,
    to_infix,
    to_python,
    varying_powers_as_exp,
)


def evaluate(expr, **values):
    namespace = {"exp": math.exp, "log": math.log, "maximum": max, "minimum": min, **values}
    return eval(to_python(expr), namespace)  # noqa: S307 - generated from our own trees


def test_python_printing_respects_precedence_and_associativity():
    a, b, c = Sym("a", "param"), Sym("b", "param"), Sym("c", "param")
    cases = [
        (a - (b - c), lambda a, b, c: a - (b - c)),
        ((a - b) - c, lambda a, b, c: (a - b) - c),
        (a / (b * c), lambda a, b, c: a / (b * c)),
        (a / b / c, lambda a, b, c: a / b / c),
        (a ** (b ** c), lambda a, b, c: a ** (b ** c)),
        ((a ** b) ** c, lambda a, b, c: (a ** b) ** c),
        (-(a + b) * c, lambda a, b, c: -(a + b) * c),
        (-a ** b, lambda a, b, c: -(a ** b)),
        (a - (-2.0) * b, lambda a, b, c: a + 2.0 * b),
        (exp(a / b) - log(c) + maximum(a, b) * minimum(b, c),
         lambda a, b, c: math.exp(a / b) - math.log(c) + max(a, b) * min(b, c)),
    ]
    for expr, reference in cases:
        assert evaluate(expr, a=1.7, b=0.6, c=2.3) == pytest.approx(reference(1.7, 0.6, 2.3), rel=1e-14)


def test_hill_is_half_at_half_max_and_zero_below_zero():
    x = Sym("x", "state")
    assert evaluate(hill(x, 40.0, 2.0), x=40.0) == pytest.approx(0.5)
    assert evaluate(hill(x, 40.0, 2.0), x=0.0) == 0.0


def test_infix_uses_sbml_names_for_functions_and_power():
    a, b = Sym("a", "param"), Sym("b", "state")
    text = to_infix(log(a) + a ** b + maximum(a, b))
    assert "ln(a)" in text and "a^b" in text and "max(a, b)" in text
    # No piecewise: libRoadRunner makes each piecewise condition a root function, which chatters at rest.
    assert "piecewise" not in text


def test_only_powers_with_a_varying_exponent_are_rewritten_through_exp_and_ln():
    """For SBML, whose unit checking needs constant exponents: a^b with a state b becomes exp(b ln a), the same
    number for a > 0; a power with a constant exponent stays a power."""
    a, b = Sym("a", "param"), Sym("b", "state")
    rewritten = varying_powers_as_exp(b ** a + a ** (b * 2.0))
    assert to_infix(rewritten) == "b^a + exp(b * 2.0 * ln(a))"
    assert math.isclose(evaluate(rewritten, a=2.5, b=1.7), evaluate(b ** a + a ** (b * 2.0), a=2.5, b=1.7),
                        rel_tol=1e-12)


@pytest.mark.parametrize("x", [-800.0, -3.0, 0.0, 0.7, 40.0, 800.0])
def test_softplus_is_the_smooth_positive_part_without_overflow(x):
    """width log(1 + exp(x / width)), evaluated without overflow: within width log 2 above max(x, 0)."""
    width = 0.5
    value = evaluate(softplus(Sym("x", "state"), width), x=x)
    reference = width * math.log1p(math.exp(x / width)) if x / width < 700 else x
    assert math.isclose(value, reference, rel_tol=1e-12, abs_tol=1e-300)
    assert max(x, 0.0) <= value <= max(x, 0.0) + width * math.log(2.0) + 1e-12


def test_symbols_in_filters_by_role():
    expr = Sym("p", "param") * Sym("s", "state") + Sym("v", "var")
    assert symbols_in(expr) == {"p", "s", "v"}
    assert symbols_in(expr, "state") == {"s"}


def test_non_finite_constants_are_rejected():
    with pytest.raises(TypeError):
        Sym("a", "param") + float("nan")
