"""Assemble the compartments into one model and compile its right-hand side.

The assembly is thin: it gathers states, parameters and rate laws, checks that
every name a compartment refers to exists, orders the algebraic variables, and
generates one Python function from the expression trees. The generated source
is executed twice, once with ``math`` functions for a single run on floats and
once with NumPy functions for a batch of parameter sets. For floats, each
``maximum``/``minimum`` of two values is compiled as a conditional expression
rather than a call of the builtin (same values, NaN included; no call per use).
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from typing import Callable

from myokine_sim.expr import Expr, Num, Op, Sym, symbols_in, to_python, walk
from myokine_sim.model.core import Compartment, Parameter, Quantity
from myokine_sim.model.inputs import BOLUS_STATES, INPUTS


@dataclass(frozen=True)
class CompiledModel:
    """Functions generated from the model's expressions.

    ``constants(P)`` evaluates every parameter-only subexpression once per
    parameter set; ``rhs(y, P, K, U, out)`` fills ``out`` with dy/dt;
    ``observe(y, P, K, U)`` returns the algebraic variables; ``rest(P, K)``
    returns the resting steady state. ``P``, ``K`` and ``U`` are sequences of
    floats or arrays that broadcast against the rows of ``y``.
    """

    source: str
    constants: Callable
    rhs: Callable
    observe: Callable
    rest: Callable
    batch_constants: Callable
    batch_rhs: Callable
    batch_observe: Callable
    batch_rest: Callable


@dataclass
class Model:
    """The assembled compartment model (one source of truth for the equations)."""

    compartments: tuple[Compartment, ...]
    states: tuple[Quantity, ...] = field(init=False)
    parameters: tuple[Parameter, ...] = field(init=False)
    inputs: tuple[Quantity, ...] = field(init=False)
    outputs: tuple[Quantity, ...] = field(init=False)
    derivatives: dict[str, Expr] = field(init=False)
    rest: dict[str, Expr] = field(init=False)
    variables: dict[str, Expr] = field(init=False)

    def __post_init__(self) -> None:
        self.states = tuple(s for c in self.compartments for s in c.states)
        self.parameters = tuple(p for c in self.compartments for p in c.parameters)
        self.inputs = INPUTS
        self.outputs = tuple(o for c in self.compartments for o in c.outputs)
        self.derivatives, self.rest, variables = {}, {}, {}
        for compartment in self.compartments:
            equations = compartment.build()
            self.derivatives.update(equations.derivatives)
            self.rest.update(equations.rest)
            for name, expr in equations.variables.items():
                if name in variables:
                    raise ValueError(f"variable {name!r} defined twice")
                variables[name] = expr
        self._check_names(variables)
        self.variables = self._ordered(variables)

    # ------------------------------------------------------------ structure

    @cached_property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    @cached_property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    @cached_property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs)

    @cached_property
    def parameter_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.parameter_names)}

    @cached_property
    def state_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.state_names)}

    @cached_property
    def units(self) -> dict[str, str]:
        """Unit of every state, input, output and parameter, by name."""
        quantities = (*self.states, *self.inputs, *self.outputs)
        units = {q.name: q.unit for q in quantities}
        units.update({p.name: p.unit for p in self.parameters})
        return units

    @cached_property
    def descriptions(self) -> dict[str, str]:
        quantities = (*self.states, *self.inputs, *self.outputs)
        descriptions = {q.name: q.description for q in quantities}
        descriptions.update({p.name: p.description for p in self.parameters})
        return descriptions

    def parameter(self, name: str) -> Parameter:
        return self.parameters[self.parameter_index[name]]

    def default_values(self) -> list[float]:
        return [p.value for p in self.parameters]

    def state_dependencies(self, expr: Expr) -> set[str]:
        """States an expression depends on, through algebraic variables."""
        found: set[str] = set()
        pending = [expr]
        seen: set[str] = set()
        while pending:
            for node in walk(pending.pop()):
                if isinstance(node, Sym):
                    if node.role == "state":
                        found.add(node.name)
                    elif node.role == "var" and node.name not in seen:
                        seen.add(node.name)
                        pending.append(self.variables[node.name])
        return found

    def jacobian_sparsity(self) -> list[list[bool]]:
        """``[i][j]`` is True where d(dy_i/dt)/dy_j may be non-zero."""
        index = self.state_index
        pattern = [[False] * len(self.states) for _ in self.states]
        for name, expr in self.derivatives.items():
            row = pattern[index[name]]
            for dependency in self.state_dependencies(expr):
                row[index[dependency]] = True
        return pattern

    def _check_names(self, variables: dict[str, Expr]) -> None:
        known = {
            "state": set(self.state_names),
            "param": set(self.parameter_names),
            "input": set(self.input_names),
            "var": set(variables),
        }
        everything = [*self.derivatives.values(), *self.rest.values(), *variables.values()]
        for expr in everything:
            for node in walk(expr):
                if isinstance(node, Sym) and node.name not in known[node.role]:
                    raise ValueError(f"unknown {node.role} {node.name!r} in a rate law")
        for expr in self.rest.values():
            if symbols_in(expr) - known["param"]:
                raise ValueError("resting values may depend on parameters only")
        for target in BOLUS_STATES.values():
            if target not in known["state"]:
                raise ValueError(f"bolus target {target!r} is not a state")
        declared = {o.name for o in self.outputs}
        if declared - known["var"]:
            raise ValueError(f"outputs without a definition: {sorted(declared - known['var'])}")

    @staticmethod
    def _ordered(variables: dict[str, Expr]) -> dict[str, Expr]:
        graph = {name: symbols_in(expr, "var") for name, expr in variables.items()}
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            raise ValueError(f"algebraic loop between variables: {error.args[1]}") from None
        return {name: variables[name] for name in order}

    # ----------------------------------------------------------- compiling

    @cached_property
    def compiled(self) -> CompiledModel:
        return _compile(self)


# --------------------------------------------------------------- code generation


def _identifier(name: str, role: str) -> str:
    prefix = {"state": "s_", "param": "p_", "input": "u_", "var": "v_"}[role]
    return prefix + name.replace(".", "__")


class _Hoister:
    """Replace maximal parameter-only subtrees by named constants ``k0, k1, ...``.

    They are then evaluated once per parameter set instead of at every step.
    """

    def __init__(self, parameter_only: set[str], names: dict[str, str]):
        self.parameter_only = parameter_only
        self.names = names
        self.by_source: dict[str, str] = {}
        self.lines: list[str] = []

    def _is_constant(self, expr: Expr) -> bool:
        return all(
            node.role == "param" or (node.role == "var" and node.name in self.parameter_only)
            for node in walk(expr)
            if isinstance(node, Sym)
        )

    def __call__(self, expr: Expr) -> Expr:
        if isinstance(expr, Num) or (isinstance(expr, Sym) and expr.role != "var"):
            return expr
        if self._is_constant(expr):
            text = to_python(expr, self.names)
            if text not in self.by_source:
                name = f"k{len(self.by_source)}"
                self.by_source[text] = name
                self.names[name] = name
                self.lines.append(f"    {name} = {text}")
            return Sym(self.by_source[text], "const")
        if isinstance(expr, Sym):
            return expr
        return Op(expr.op, tuple(self(arg) for arg in expr.args))


def _parameter_only_variables(model: Model) -> set[str]:
    result: set[str] = set()
    for name, expr in model.variables.items():  # topological order
        if all(
            node.role == "param" or (node.role == "var" and node.name in result)
            for node in walk(expr)
            if isinstance(node, Sym)
        ):
            result.add(name)
    return result


def _uses(lines: list[str], body: list[str]) -> list[str]:
    """The unpacking lines whose assigned name the body refers to."""
    text = "\n".join(body)
    return [line for line in lines if re.search(rf"\b{line.split('=')[0].strip()}\b", text)]


def _needed(lines: list[str], consumers: list[str]) -> list[str]:
    """The assignment lines (in order) that ``consumers`` use, directly or through each other.

    The right-hand side skips reported-only variables: it runs thousands of times per run.
    """
    text = "\n".join(consumers)
    kept: list[str] = []
    for line in reversed(lines):  # topological order: a line is used only by lines after it
        if re.search(rf"\b{line.split('=')[0].strip()}\b", text):
            kept.append(line)
            text += "\n" + line
    return kept[::-1]


def generate_source(model: Model) -> str:
    """Python source of ``constants``, ``rhs``, ``observe`` and ``rest``."""
    names: dict[str, str] = {}
    for role, group in (
        ("state", model.state_names),
        ("param", model.parameter_names),
        ("input", model.input_names),
        ("var", tuple(model.variables)),
    ):
        names.update({name: _identifier(name, role) for name in group})

    parameter_only = _parameter_only_variables(model)
    hoist = _Hoister(parameter_only, names)

    def line(target: str, expr: Expr, hoisted: bool = True) -> str:
        return f"    {target} = {to_python(hoist(expr) if hoisted else expr, names)}"

    param_var_lines = [line(names[n], e, False) for n, e in model.variables.items() if n in parameter_only]
    var_lines = [line(names[n], e) for n, e in model.variables.items() if n not in parameter_only]
    derivative_lines = [line(f"out[{i}]", model.derivatives[n]) for i, n in enumerate(model.state_names)]

    unpack_params = [f"    {names[n]} = P[{i}]" for i, n in enumerate(model.parameter_names)]
    unpack_states = [f"    {names[n]} = y[{i}]" for i, n in enumerate(model.state_names)]
    unpack_inputs = [f"    {names[n]} = U[{i}]" for i, n in enumerate(model.input_names)]
    unpack_constants = [f"    {k} = K[{i}]" for i, k in enumerate(hoist.by_source.values())]
    observed = ", ".join(names[n] for n in model.variables)
    rest_values = [f"        {to_python(model.rest[n], names)}," for n in model.state_names]

    rhs_body = _needed(var_lines, derivative_lines) + derivative_lines
    observe_body = param_var_lines + var_lines
    unpack_dynamic = unpack_params + unpack_constants + unpack_states + unpack_inputs
    return "\n".join(
        [
            "def constants(P):",
            *unpack_params,
            *param_var_lines,
            *hoist.lines,
            f"    return [{', '.join(hoist.by_source.values())}]",
            "",
            "def rhs(y, P, K, U, out):",
            *_uses(unpack_dynamic, rhs_body),
            *rhs_body,
            "    return out",
            "",
            "def observe(y, P, K, U):",
            *_uses(unpack_dynamic, observe_body + [observed]),
            *observe_body,
            f"    return [{observed}]",
            "",
            "def rest(P, K):",
            *_uses(unpack_params, rest_values),
            "    return [",
            *rest_values,
            "    ]",
        ]
    )


class _InlineExtrema(ast.NodeTransformer):
    """Rewrite ``maximum(a, b)`` as ``b if a < b else a`` and ``minimum(a, b)`` as ``b if a > b else a``.

    That is what the builtins ``max(a, b)`` and ``min(a, b)`` return in every case (``a`` unless ``b`` is strictly
    beyond it, so a NaN ``a`` stays and a NaN ``b`` is passed over), without a function call. Each operand is
    evaluated once, in source order, into a temporary named for that use.
    """

    COMPARISON = {"maximum": ast.Lt, "minimum": ast.Gt}

    def __init__(self) -> None:
        self._count = itertools.count()

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)  # inner uses first
        if not (isinstance(node.func, ast.Name) and node.func.id in self.COMPARISON and len(node.args) == 2
                and not node.keywords):
            return node
        first, second = node.args
        index = next(self._count)
        first_name, second_name = f"_extremum{index}_first", f"_extremum{index}_second"
        test = ast.Compare(
            left=ast.NamedExpr(target=ast.Name(first_name, ast.Store()), value=first),
            ops=[self.COMPARISON[node.func.id]()],
            comparators=[ast.NamedExpr(target=ast.Name(second_name, ast.Store()), value=second)],
        )
        return ast.IfExp(test=test, body=ast.Name(second_name, ast.Load()), orelse=ast.Name(first_name, ast.Load()))


def scalar_functions(source: str, inline_extrema: bool = True) -> dict:
    """Execute generated source for a single run on floats; the namespace holds its four functions.

    ``inline_extrema=False`` calls the builtins instead (the reference the inlined code must equal).
    """
    tree = ast.parse(source)
    if inline_extrema:
        tree = ast.fix_missing_locations(_InlineExtrema().visit(tree))
    namespace = {"exp": math.exp, "log": math.log, "maximum": max, "minimum": min}
    exec(compile(tree, "<myokine_sim generated model>", "exec"), namespace)
    return namespace


def _compile(model: Model) -> CompiledModel:
    import numpy as np

    source = generate_source(model)
    scalar = scalar_functions(source)
    array = {"exp": np.exp, "log": np.log, "maximum": np.maximum, "minimum": np.minimum}
    exec(compile(source, "<myokine_sim generated model>", "exec"), array)
    return CompiledModel(
        source=source,
        constants=scalar["constants"],
        rhs=scalar["rhs"],
        observe=scalar["observe"],
        rest=scalar["rest"],
        batch_constants=array["constants"],
        batch_rhs=array["rhs"],
        batch_observe=array["observe"],
        batch_rest=array["rest"],
    )
