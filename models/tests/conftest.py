"""Puts ``models/`` on the import path so tests import ``unidiff_models`` and the scripts."""

import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1]
if str(MODELS) not in sys.path:
    sys.path.insert(0, str(MODELS))
TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
