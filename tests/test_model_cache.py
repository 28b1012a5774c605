"""The cache of the model's compiled code: it gives exactly what compiling gives, and never stale code.

Every test points ``MYOKINE_CACHE_DIR`` at its own temporary folder.
"""

import hashlib
import marshal
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import myokine_sim
from myokine_sim.cache import cache_root
from myokine_sim.model import COMPARTMENTS, Model, assembly
from myokine_sim.parameters import parameter_vector
from myokine_sim.scenario import load_scenario
from myokine_sim.simulation import resolve_parameters
from myokine_sim.solver import SolverSettings, integrate, output_times

#: A different program in the cache's format: what a stale entry would hold.
OTHER_SOURCE = "def constants(P):\n    return [1.0]\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MYOKINE_CACHE_DIR", str(folder))
    monkeypatch.delenv(assembly.CACHE_SWITCH, raising=False)
    return folder


def fresh_code(source: str):
    return assembly.scalar_code(source), assembly.batch_code(source)


def cache_files(folder: Path) -> list[Path]:
    return sorted((folder / "model").glob("*.bin"))


def well_formed(payload: bytes) -> bytes:
    return assembly._CACHE_HEADER + hashlib.sha256(payload).digest() + payload


def poison(path: Path) -> None:
    """Store a well-formed entry holding another program's code at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(well_formed(marshal.dumps(fresh_code(OTHER_SOURCE))))


def marathon_states(model: Model) -> np.ndarray:
    scenario = load_scenario("marathon")
    vector = np.array([parameter_vector(model, resolve_parameters(scenario, model=model))])
    schedule = scenario.schedule()
    times = output_times(schedule, scenario.simulation.output_step_min)
    return integrate(model, vector, schedule, times, SolverSettings()).states


def test_a_warm_cache_gives_the_code_and_the_trajectories_of_compiling(cache_dir, monkeypatch):
    source = assembly.generate_source(Model(COMPARTMENTS))
    cold = Model(COMPARTMENTS)
    cold_states = marathon_states(cold)  # compiles, and writes the cache
    assert len(cache_files(cache_dir)) == 1
    assert assembly._read_cached(cache_files(cache_dir)[0]) == fresh_code(source)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled although the cache holds the code")

    monkeypatch.setattr(assembly, "scalar_code", no_compiling)
    monkeypatch.setattr(assembly, "batch_code", no_compiling)
    warm = Model(COMPARTMENTS)
    assert warm.compiled.source == cold.compiled.source == source
    np.testing.assert_array_equal(marathon_states(warm), cold_states)

    # The batch functions too, bit for bit, on states and parameters spread around their defaults.
    generator = np.random.default_rng(5)
    P = [np.full(4, value) * generator.uniform(0.5, 1.5, 4) for value in warm.default_values()]
    y = np.array([np.full(4, state.scale) * generator.uniform(0.2, 2.0, 4) for state in warm.states])
    U = [np.full(4, 0.5) for _ in warm.inputs]
    with np.errstate(all="ignore"):
        results = [(compiled.batch_rhs(y, P, K, U, np.empty_like(y)), compiled.batch_observe(y, P, K, U))
                   for compiled in (cold.compiled, warm.compiled)
                   for K in [compiled.batch_constants(P)]]
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(np.array(results[0][1]), np.array(results[1][1]))


def test_a_run_in_a_new_process_is_the_same_with_an_empty_a_warm_and_no_cache(cache_dir):
    probe = ("import hashlib; from myokine_sim.formats import encode_result; from myokine_sim.simulation import "
             "simulate; print(hashlib.sha256(encode_result(simulate('marathon'), 'csv')).hexdigest())")
    package = str(Path(myokine_sim.__file__).resolve().parents[1])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))}

    def table_digest(**variables) -> str:
        completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                                   env={**environment, **variables})
        return completed.stdout.strip()

    empty = table_digest()
    assert len(cache_files(cache_dir)) == 1
    warm = table_digest()
    off = table_digest(**{assembly.CACHE_SWITCH: "0"})
    assert empty == warm == off


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped byte", "a changed name", "garbage", "no header",
                                    "not code", "a folder"])
def test_a_damaged_cache_file_is_compiled_afresh_and_replaced(cache_dir, model, damage):
    source = assembly.generate_source(model)
    path = assembly.code_cache_path(source)
    assembly.compiled_code(source)
    good = path.read_bytes()
    if damage == "a folder":
        path.unlink()
        path.mkdir()
    else:
        damaged = {
            "empty": b"",
            "truncated": good[:len(good) // 2],
            "flipped byte": good[:-100] + bytes([good[-100] ^ 0x01]) + good[-99:],
            # Still loads, as other code: only the checksum tells.
            "a changed name": good.replace(b"_extremum0_first", b"_extremum0_firsT"),
            "garbage": np.random.default_rng(0).bytes(len(good)),
            "no header": good[len(assembly._CACHE_HEADER):],
            "not code": well_formed(marshal.dumps((1, 2))),
        }[damage]
        assert damaged != good
        path.write_bytes(damaged)
    assert assembly.compiled_code(source) == fresh_code(source)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    if damage == "a folder":
        assert path.is_dir()  # it cannot be replaced: nothing is raised, the code was compiled
    else:
        assert path.read_bytes() == good


def change(what: str, source: str, monkeypatch, tmp_path: Path) -> str:
    """Change one input of the cache's key; the source to compile afterwards."""
    if what == "the generated source":
        return source + "\nCHANGED = 1\n"
    if what == "the compiling module":
        monkeypatch.setattr(assembly, "_COMPILER", assembly._COMPILER + b"\n# edited\n")
    elif what == "the bytecode format":
        monkeypatch.setattr(assembly, "MAGIC_NUMBER", b"\x00\x00\r\n")
    elif what == "the Python build":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    elif what == "the package version":
        monkeypatch.setattr(assembly, "__version__", "0.0.0+other")
    return source


@pytest.mark.parametrize("what", [None, "the generated source", "the compiling module", "the bytecode format",
                                  "the Python build", "the package version"])
def test_a_change_to_anything_the_code_is_made_from_misses_the_old_entry(cache_dir, model, monkeypatch, tmp_path,
                                                                         what):
    source = assembly.generate_source(model)
    poisoned = assembly.code_cache_path(source)
    poison(poisoned)
    if what is None:  # the control: the entry at the key is what the cache gives
        assert assembly.compiled_code(source) == fresh_code(OTHER_SOURCE)
        return
    changed = change(what, source, monkeypatch, tmp_path)
    assert assembly.code_cache_path(changed) != poisoned
    assert assembly.compiled_code(changed) == fresh_code(changed)


@pytest.mark.parametrize("value", ["0", "off", "False", " no "])
def test_the_switch_turns_the_cache_off(cache_dir, model, monkeypatch, value):
    source = assembly.generate_source(model)
    monkeypatch.setenv(assembly.CACHE_SWITCH, value)
    assert assembly.compiled_code(source) == fresh_code(source)
    assert not cache_dir.exists()  # nothing written
    poison(assembly.code_cache_path(source))
    assert assembly.compiled_code(source) == fresh_code(source)  # nothing read
    monkeypatch.setenv(assembly.CACHE_SWITCH, "1")
    assert assembly.compiled_code(source) == fresh_code(OTHER_SOURCE)  # on again: the entry is read


def test_the_cache_folder_is_the_override_else_xdg_else_home(monkeypatch, tmp_path):
    monkeypatch.setenv("MYOKINE_CACHE_DIR", str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "chosen"
    assert assembly.code_cache_path("x").parent == tmp_path / "chosen" / "model"
    monkeypatch.delenv("MYOKINE_CACHE_DIR")
    assert cache_root() == tmp_path / "xdg" / "myokine_sim"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == tmp_path / "home" / ".cache" / "myokine_sim"


def test_the_tests_keep_the_cache_out_of_the_users_home():
    # conftest points it into the project unless the environment chose a folder.
    assert "MYOKINE_CACHE_DIR" in os.environ
    assert cache_root() == Path(os.environ["MYOKINE_CACHE_DIR"])


def test_without_a_home_directory_the_code_is_compiled_and_nothing_written(model, monkeypatch, tmp_path,
                                                                         no_home_directory):
    monkeypatch.delenv(assembly.CACHE_SWITCH, raising=False)
    monkeypatch.chdir(tmp_path)
    source = assembly.generate_source(model)
    assert assembly.code_cache_path(source) is None
    assert assembly.compiled_code(source) == fresh_code(source)
    assert list(tmp_path.iterdir()) == []


def test_an_edit_of_the_compiling_module_after_import_does_not_key_the_old_code(cache_dir, model, monkeypatch,
                                                                               tmp_path):
    # The key holds the module as imported: code compiled by it is never filed under an edited file's key.
    source = assembly.generate_source(model)
    before = assembly.code_cache_path(source)
    edited = tmp_path / "assembly.py"
    edited.write_bytes(assembly._COMPILER + b"\n# edited on disk\n")
    monkeypatch.setattr(assembly, "__file__", str(edited))
    assert assembly.code_cache_path(source) == before


def test_the_cache_keeps_only_its_most_recently_used_entries(cache_dir, monkeypatch):
    monkeypatch.setattr(assembly, "CACHE_ENTRIES_KEPT", 3)
    sources = [f"{OTHER_SOURCE}\nVERSION = {version}\n" for version in range(5)]
    paths = [assembly.code_cache_path(source) for source in sources]
    long_ago = 1_000_000_000
    for age, source in enumerate(sources[:3]):
        assembly.compiled_code(source)
        os.utime(paths[age], (long_ago + age, long_ago + age))  # written in order, long ago
    assert cache_files(cache_dir) == sorted(paths[:3])
    assert assembly.compiled_code(sources[0]) == fresh_code(sources[0])  # a hit marks the oldest entry used
    assembly.compiled_code(sources[3])  # a fourth entry: the least recently used one (version 1) goes
    assert cache_files(cache_dir) == sorted([paths[0], paths[2], paths[3]])
    assembly.compiled_code(sources[4])
    assert cache_files(cache_dir) == sorted([paths[0], paths[3], paths[4]])
    assert [p.name for p in (cache_dir / "model").iterdir() if not p.name.endswith(".bin")] == []


def test_pruning_skips_entries_another_process_removed(cache_dir, monkeypatch):
    folder = cache_dir / "model"
    folder.mkdir(parents=True)
    for version in range(4):
        (folder / f"{version:032x}.bin").write_bytes(b"x")
    real_unlink = Path.unlink

    def removed_first(path, *args, **kwargs):  # another process pruned (or replaced) it just before
        real_unlink(path)
        raise FileNotFoundError(path)

    monkeypatch.setattr(Path, "unlink", removed_first)
    assembly._prune(folder, keep=1)
    assert len(list(folder.glob("*.bin"))) == 1
