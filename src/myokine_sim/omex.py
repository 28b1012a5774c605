"""A scenario as a COMBINE archive (OMEX): the SBML model, its SED-ML experiment and a manifest.

Tellurium (``te.executeCombineArchive``), COPASI and the BioSimulators tools
open the archive and run the experiment; see docs/sbml.md. python-libcombine
writes the archive and its ``manifest.xml``; the SED-ML document is the master
file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from myokine_sim.errors import MyokineError
from myokine_sim.extras import require, require_all
from myokine_sim.scenario import Scenario

MODEL_LOCATION = "model.xml"
SEDML_LOCATION = "simulation.sedml"
SBML_FORMAT = "http://identifiers.org/combine.specifications/sbml.level-3.version-2"
SEDML_FORMAT = "http://identifiers.org/combine.specifications/sed-ml.level-1.version-3"
OMEX_FORMAT = "http://identifiers.org/combine.specifications/omex"
#: What building an archive imports.
NEEDS = ("libsbml", "libsedml", "libcombine")


def archive_bytes(scenario: Scenario, parameters: dict[str, float] | None = None) -> bytes:
    """The OMEX archive of ``scenario`` (with ``parameters`` overriding model parameters), as bytes."""
    from myokine_sim.sbml import export_sbml
    from myokine_sim.sedml import sedml_text

    require_all(NEEDS, "the COMBINE archive export")
    libcombine = require("libcombine", "the COMBINE archive export")
    model = export_sbml(scenario, parameters)
    experiment = sedml_text(scenario, MODEL_LOCATION)
    archive = libcombine.CombineArchive()
    if not archive.addFileFromString(model, MODEL_LOCATION, SBML_FORMAT, False):
        raise MyokineError("libcombine could not add the SBML model to the archive")
    if not archive.addFileFromString(experiment, SEDML_LOCATION, SEDML_FORMAT, True):
        raise MyokineError("libcombine could not add the SED-ML document to the archive")
    # The manifest lists the archive itself too, as the OMEX specification asks.
    itself = archive.getManifest().createContent()
    itself.setLocation(".")
    itself.setFormat(OMEX_FORMAT)
    # libcombine writes only to a path: build in a private folder, then hand back the bytes.
    with tempfile.TemporaryDirectory(prefix="myokine-omex-") as folder:
        built = Path(folder) / "archive.omex"
        if not archive.writeToFile(str(built)):
            raise MyokineError("libcombine could not write the COMBINE archive")
        archive.cleanUp()
        return built.read_bytes()


def write_omex(scenario: Scenario, path: str | Path, parameters: dict[str, float] | None = None) -> Path:
    """Write the archive atomically to ``path``; an unwritable path raises ``InputError``."""
    from myokine_sim.io import write_file_for_user

    return write_file_for_user(Path(path), archive_bytes(scenario, parameters), "the COMBINE archive")
