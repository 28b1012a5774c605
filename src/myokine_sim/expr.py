"""A small expression layer: the single source of truth for every rate law.

Compartment modules write their rate laws with ordinary Python operators on
``Expr`` objects. The same expression trees are then

* compiled once into Python source that runs on floats (a single run) or on
  NumPy arrays (a batch of parameter sets),
* printed as SBML Level 3 infix formulas for the SBML export, and
* walked to find which states each derivative depends on (Jacobian sparsity).

It is deliberately tiny (no simplification, no differentiation) so that
importing it costs nothing next to NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping

__all__ = [
    "Expr",
    "Num",
    "Sym",
    "as_expr",
    "exp",
    "log",
    "maximum",
    "minimum",
    "hill",
    "to_python",
    "to_infix",
    "symbols_in",
]


class Expr:
    """Base class of expression nodes; supports + - * / ** and unary minus."""

    __slots__ = ()

    def __add__(self, other):
        return Op("+", (self, as_expr(other)))

    def __radd__(self, other):
        return Op("+", (as_expr(other), self))

    def __sub__(self, other):
        return Op("-", (self, as_expr(other)))

    def __rsub__(self, other):
        return Op("-", (as_expr(other), self))

    def __mul__(self, other):
        return Op("*", (self, as_expr(other)))

    def __rmul__(self, other):
        return Op("*", (as_expr(other), self))

    def __truediv__(self, other):
        return Op("/", (self, as_expr(other)))

    def __rtruediv__(self, other):
        return Op("/", (as_expr(other), self))

    def __pow__(self, other):
        return Op("^", (self, as_expr(other)))

    def __rpow__(self, other):
        return Op("^", (as_expr(other), self))

    def __neg__(self):
        return Op("neg", (self,))

    def __pos__(self):
        return self

    def __repr__(self) -> str:
        return to_infix(self)


class Num(Expr):
    """A numeric constant."""

    __slots__ = ("value",)

    def __init__(self, value: float):
        self.value = float(value)


class Sym(Expr):
    """A named quantity: a state, parameter, input or algebraic variable."""

    __slots__ = ("name", "role")

    def __init__(self, name: str, role: str):
        self.name = name
        self.role = role


class Op(Expr):
    """An operator or function applied to argument expressions."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: tuple[Expr, ...]):
        self.op = op
        self.args = args


def as_expr(value) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, (int, float)) and math.isfinite(value):
        return Num(value)
    raise TypeError(f"cannot use {value!r} in a rate law")


def exp(x) -> Expr:
    return Op("exp", (as_expr(x),))


def log(x) -> Expr:
    return Op("log", (as_expr(x),))


def maximum(a, b) -> Expr:
    return Op("max", (as_expr(a), as_expr(b)))


def minimum(a, b) -> Expr:
    return Op("min", (as_expr(a), as_expr(b)))


def softplus(x, width) -> Expr:
    """Smooth positive part of x: width * log(1 + exp(x / width)), within width * log(2) of max(x, 0).

    Written as width * (max(z, 0) + log(1 + exp(-|z|))) with z = x / width, so no exp overflows for large x.
    """
    x, width = as_expr(x), as_expr(width)
    z = x / width
    return width * (maximum(z, 0.0) + log(1.0 + exp(minimum(z, -z))))


def abs_power(x, n) -> Expr:
    """|x|^n written as (x^2)^(n/2): no clipping or sign test, so smooth through zero for n > 1 (stiff solvers
    dislike kinks)."""
    x, n = as_expr(x), as_expr(n)
    return (x * x) ** (0.5 * n)


def hill(x, half_max, n) -> Expr:
    """Hill activation x^n / (K^n + x^n), between 0 and 1 for x >= 0."""
    x, half_max, n = as_expr(x), as_expr(half_max), as_expr(n)
    xn = x**n
    return xn / (half_max**n + xn)


# ----------------------------------------------------------------- traversal


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, parents before children."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Op):
            stack.extend(node.args)


def symbols_in(expr: Expr, role: str | None = None) -> set[str]:
    """Names of the symbols in ``expr`` (optionally only those of one role)."""
    return {
        node.name
        for node in walk(expr)
        if isinstance(node, Sym) and (role is None or node.role == role)
    }


# ------------------------------------------------------------------ printing

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}
_RIGHT_SENSITIVE = {"-", "/"}


def _format_number(value: float) -> str:
    text = repr(float(value))
    return text


def _render(expr: Expr, name_of, call_of, power: str) -> tuple[str, int]:
    """Render to infix text; returns the text and its precedence level."""
    if isinstance(expr, Num):
        text = _format_number(expr.value)
        return (f"({text})" if expr.value < 0 else text), 5
    if isinstance(expr, Sym):
        return name_of(expr), 5
    op = expr.op
    if op in ("+", "-", "*", "/", "^"):
        level = _PRECEDENCE[op]
        left, left_level = _render(expr.args[0], name_of, call_of, power)
        right, right_level = _render(expr.args[1], name_of, call_of, power)
        if op == "^":
            # Power is right-associative; parenthesise both sides unless atomic.
            left = left if left_level > level else f"({left})"
            right = right if right_level > level else f"({right})"
            return f"{left}{power}{right}", level
        if left_level < level:
            left = f"({left})"
        if right_level < level or (op in _RIGHT_SENSITIVE and right_level == level):
            right = f"({right})"
        return f"{left} {op} {right}", level
    if op == "neg":
        inner, inner_level = _render(expr.args[0], name_of, call_of, power)
        if inner_level <= _PRECEDENCE["neg"]:
            inner = f"({inner})"
        return f"-{inner}", _PRECEDENCE["neg"]
    args = [_render(arg, name_of, call_of, power)[0] for arg in expr.args]
    return call_of(op, args), 5


def to_python(expr: Expr, name_of: Mapping[str, str] | None = None) -> str:
    """Python source for ``expr``.

    The source calls ``exp``, ``log``, ``maximum`` and ``minimum``; the caller
    binds them to ``math``/builtins for floats or to NumPy for arrays.
    """

    def sym(node: Sym) -> str:
        return name_of[node.name] if name_of else node.name

    def call(op: str, args: list[str]) -> str:
        function = {"exp": "exp", "log": "log", "max": "maximum", "min": "minimum"}[op]
        return f"{function}({', '.join(args)})"

    return _render(expr, sym, call, "**")[0]


def to_infix(expr: Expr, name_of: Mapping[str, str] | None = None) -> str:
    """SBML Level 3 infix formula for ``expr`` (readable by ``parseL3Formula``).

    ``max``/``min`` stay the Level 3 Version 2 functions: as ``piecewise`` they would be conditions that
    libRoadRunner turns into CVODE root functions, which chatter where the two arguments meet (as they do at
    rest) and stall the integration.
    """

    def sym(node: Sym) -> str:
        return name_of[node.name] if name_of else node.name

    def call(op: str, args: list[str]) -> str:
        function = {"exp": "exp", "log": "ln", "max": "max", "min": "min"}[op]
        return f"{function}({', '.join(args)})"

    return _render(expr, sym, call, "^")[0]


def varying_powers_as_exp(expr: Expr) -> Expr:
    """``a^b`` with an exponent that varies in time (reads a state, input or variable) as ``exp(b ln a)``.

    For SBML: its unit checking needs a constant exponent (libsbml's consistency check crashes on a varying
    one). The two forms agree for a > 0; the model's such bases are relative glucose levels, 0 only at zero
    glucose.
    """
    if not isinstance(expr, Op):
        return expr
    args = tuple(varying_powers_as_exp(arg) for arg in expr.args)
    if expr.op == "^" and symbols_in(args[1]) - symbols_in(args[1], "param"):
        return Op("exp", (Op("*", (args[1], Op("log", (args[0],)))),))
    return Op(expr.op, args)


def dependencies(
    assignments: Iterable[tuple[str, Expr]],
) -> dict[str, set[str]]:
    """Map each assigned name to the names its expression refers to directly."""
    return {name: symbols_in(expr) for name, expr in assignments}
