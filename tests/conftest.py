import hashlib
import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))

REALWORLD = TESTS.parent.parent / "shared" / "realworld"


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def core_fixtures(tmp_path_factory):
    """The labelled core fixtures (tests/gen_core.py), generated once per session."""
    import gen_core
    out = tmp_path_factory.mktemp("core")
    index = gen_core.build_all(str(out))
    return out, index


@pytest.fixture(scope="session")
def realworld():
    if not (REALWORLD / "BOXES.json").exists():
        pytest.skip("../shared/realworld is not present")
    return REALWORLD


@pytest.fixture()
def faults():
    """Factory of fault-injecting batch tasks (``tests/faults.py``):
    ``scan_many(paths, task=faults({"_crash": "exit", "_hang": "hang"}))``."""
    from faults import Faults
    return Faults
