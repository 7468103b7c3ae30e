"""A writer part that never ends (tests/test_discreet.py): importable by name in worker processes."""
import time

from redactlens.report.isolated import ExhibitPart


class SlowPart(ExhibitPart):
    def __call__(self, path, password, data, settings):
        time.sleep(3600)
