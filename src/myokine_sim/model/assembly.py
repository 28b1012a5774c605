"""Assemble the compartments into one model and compile its right-hand side.

The assembly is thin: it gathers states, parameters and rate laws, checks that
every name a compartment refers to exists, orders the algebraic variables, and
generates one Python function from the expression trees. The generated source
is executed twice, once with ``math`` functions for a single run on floats and
once with NumPy functions for a batch of parameter sets. For floats, each
``maximum``/``minimum`` of two values is compiled as a conditional expression
rather than a call of the builtin (same values, NaN included; no call per use).
Both compiled forms are kept in the user cache (``cache.cache_root()``), keyed by
a hash of the generated source itself, this file and the Python version, so a
later process loads them instead of compiling again.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import itertools
import marshal
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType

from myokine_sim import __version__
from myokine_sim.cache import cache_root
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

    def compile(self) -> CompiledModel:
        """Generate the model's functions now (once per model), e.g. before forking workers that inherit them."""
        return self.compiled


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


#: Words of generated source: a word-character name is one of them exactly where ``\bNAME\b`` would find it.
_WORD = re.compile(r"\w+")


def _assigned(line: str) -> str:
    """The name a ``NAME = ...`` line assigns; the word scans below rely on it being a single word."""
    name = line.split("=")[0].strip()
    if not _WORD.fullmatch(name):
        raise ValueError(f"generated line assigns {name!r}, not a single name: {line!r}")
    return name


def _uses(lines: list[str], body: list[str]) -> list[str]:
    """The unpacking lines whose assigned name the body refers to."""
    words = set(_WORD.findall("\n".join(body)))  # one pass over the body, not one search per line
    return [line for line in lines if _assigned(line) in words]


def _needed(lines: list[str], consumers: list[str]) -> list[str]:
    """The assignment lines (in order) that ``consumers`` use, directly or through each other.

    The right-hand side skips reported-only variables: it runs thousands of times per run.
    """
    words = set(_WORD.findall("\n".join(consumers)))
    kept: list[str] = []
    for line in reversed(lines):  # topological order: a line is used only by lines after it
        if _assigned(line) in words:
            kept.append(line)
            words.update(_WORD.findall(line))
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


#: The file name that tracebacks through generated code show.
GENERATED_FILE_NAME = "<myokine_sim generated model>"
#: Functions the generated source calls, for a single run on floats (with ``maximum``/``minimum`` inlined).
SCALAR_FUNCTIONS = {"exp": math.exp, "log": math.log, "maximum": max, "minimum": min}
#: Environment variable: ``0`` (or ``off``, ``false``, ``no``) turns the cache of compiled model code off.
CACHE_SWITCH = "MYOKINE_MODEL_CACHE"
#: The first bytes of a cache file; a SHA-256 of the marshalled code follows, then the code.
_CACHE_HEADER = b"myokine_sim compiled model\n"
_CHECKSUM_SIZE = hashlib.sha256().digest_size
#: Entries the cache keeps: after each write, the least recently used beyond these are deleted (one entry per
#: model version and Python build, ~160 kB each).
CACHE_ENTRIES_KEPT = 16


def scalar_code(source: str, inline_extrema: bool = True) -> CodeType:
    """Generated source compiled for floats, ``maximum``/``minimum`` inlined unless ``inline_extrema=False``."""
    tree = ast.parse(source)
    if inline_extrema:
        tree = ast.fix_missing_locations(_InlineExtrema().visit(tree))
    return compile(tree, GENERATED_FILE_NAME, "exec")


def batch_code(source: str) -> CodeType:
    """Generated source compiled as written, for NumPy arrays."""
    return compile(source, GENERATED_FILE_NAME, "exec")


def _functions(code: CodeType, functions: dict) -> dict:
    namespace = dict(functions)
    exec(code, namespace)
    return namespace


def scalar_functions(source: str, inline_extrema: bool = True) -> dict:
    """Execute generated source for a single run on floats; the namespace holds its four functions.

    ``inline_extrema=False`` calls the builtins instead (the reference the inlined code must equal).
    """
    return _functions(scalar_code(source, inline_extrema), SCALAR_FUNCTIONS)


def cache_enabled() -> bool:
    return os.environ.get(CACHE_SWITCH, "").strip().lower() not in ("0", "off", "false", "no")


def _own_bytes() -> bytes | None:
    try:
        return Path(__file__).read_bytes()
    except OSError:
        return None


#: This file as it was imported: the code that generates, rewrites and compiles (read once, so an edit on disk
#: after import cannot key what the old code compiled).
_COMPILER = _own_bytes()


def code_cache_path(source: str) -> Path | None:
    """Where the compiled code of ``source`` is cached; None where there is no cache folder or no key.

    The key covers everything the code is made from: the generated source itself, this file (which
    generates, rewrites and compiles it), the bytecode format and Python build, and the package version.
    """
    folder = cache_root()
    if _COMPILER is None or folder is None:
        return None
    digest = hashlib.sha256()
    for part in (MAGIC_NUMBER, sys.version.encode(), __version__.encode(), _COMPILER, source.encode()):
        digest.update(len(part).to_bytes(8, "little"))  # lengths first: no two key lists hash alike
        digest.update(part)
    return folder / "model" / f"{digest.hexdigest()[:32]}.bin"


def _read_cached(path: Path) -> tuple[CodeType, CodeType] | None:
    """The (scalar, batch) code stored at ``path``, or None if it is missing, truncated or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, rest = data[:len(_CACHE_HEADER)], data[len(_CACHE_HEADER):]
    checksum, payload = rest[:_CHECKSUM_SIZE], rest[_CHECKSUM_SIZE:]
    # marshal is not safe to feed damaged data, so the checksum is verified before it sees any.
    if header != _CACHE_HEADER or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        code = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(code, tuple) and len(code) == 2 and all(isinstance(part, CodeType) for part in code)):
        return None
    with contextlib.suppress(OSError):  # a read-only cache is still used; its entries only age
        os.utime(path)  # marks the entry used, for pruning
    return code


def _write_cached(path: Path, code: tuple[CodeType, CodeType]) -> None:
    from myokine_sim.io import write_bytes_atomic

    payload = marshal.dumps(code)
    try:
        write_bytes_atomic(path, _CACHE_HEADER + hashlib.sha256(payload).digest() + payload)
    except OSError:
        return  # an unwritable cache folder: this process compiles, as every process without a cache does
    _prune(path.parent, keep=CACHE_ENTRIES_KEPT)


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently used entries in ``folder`` (by modification time, which a read
    refreshes). Another process may be pruning or reading too: an entry already gone is skipped, and a reader that
    loses its entry compiles."""
    entries = []
    for entry in folder.glob("*.bin"):
        with contextlib.suppress(OSError):
            entries.append((entry.stat().st_mtime_ns, entry))
    for _, entry in sorted(entries, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            entry.unlink()


def compiled_code(source: str) -> tuple[CodeType, CodeType]:
    """The scalar and batch code of generated ``source``: from the cache, else compiled (and cached).

    Compiling costs ~100 ms (most of it rewriting the extrema), loading about a millisecond. Anything missing,
    damaged or unreadable in the cache is compiled afresh and replaced; ``$MYOKINE_MODEL_CACHE=0`` skips the cache.
    """
    path = code_cache_path(source) if cache_enabled() else None
    code = _read_cached(path) if path is not None else None
    if code is None:
        code = scalar_code(source), batch_code(source)
        if path is not None:
            _write_cached(path, code)
    return code


def _compile(model: Model) -> CompiledModel:
    import numpy as np

    source = generate_source(model)
    scalar_compiled, batch_compiled = compiled_code(source)
    scalar = _functions(scalar_compiled, SCALAR_FUNCTIONS)
    array = _functions(batch_compiled, {"exp": np.exp, "log": np.log, "maximum": np.maximum, "minimum": np.minimum})
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
