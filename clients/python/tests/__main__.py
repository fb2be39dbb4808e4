"""``python3 -m tests``: the whole suite (unittest discovery, verbose), then ``python: N passed, N failed``.

Counted from the result itself rather than from unittest's summary line, whose "Ran N" counts skipped
tests in some Python versions and not in others.
"""

from __future__ import annotations

import os
import sys
import unittest


class CountingResult(unittest.TextTestResult):
    """A text result that also counts passes (a test with a failed subtest is not one)."""

    passed = 0

    def addSuccess(self, test: unittest.TestCase) -> None:  # noqa: N802 (unittest's name)
        super().addSuccess(test)
        self.passed += 1


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    suite = unittest.defaultTestLoader.discover(here, top_level_dir=top)
    result = unittest.TextTestRunner(resultclass=CountingResult, verbosity=2).run(suite)
    assert isinstance(result, CountingResult)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    if result.skipped:
        print(f"python: {len(result.skipped)} skipped (reasons above)", flush=True)
    print(f"python: {result.passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and result.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
