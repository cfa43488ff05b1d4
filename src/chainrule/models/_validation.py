"""Input checks for the models, with scikit-learn's messages as the anchor.

``X`` must be a finite, real, dense 2-D array with at least one sample and one feature
(lists, integers and booleans are converted to float64); ``y`` a 1-D array as long as
``X`` (a column vector is raveled, with a ``DataConversionWarning`` where only one
target is supported). Classifiers refuse continuous targets.

>>> X, y = check_X_y([[1, 2], [3, 4]], [0.0, 1.0])
>>> X.dtype, X.shape, y.shape
(dtype('float64'), (2, 2), (2,))
>>> check_X_y([[1.0], [2.0]], [1.0, 2.0, 3.0])
Traceback (most recent call last):
...
ValueError: Found input variables with inconsistent numbers of samples: X has shape (2, 1), \
y has shape (3,)
>>> check_X([[1.0, float("nan")]])
Traceback (most recent call last):
...
ValueError: Input X contains NaN.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._compat import DataConversionWarning

__all__ = ["check_X", "check_y", "check_X_y", "check_classification_targets"]


def _finite(a: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(a)):
        if np.isnan(a).any():
            raise ValueError(f"Input {name} contains NaN.")
        raise ValueError(f"Input {name} contains infinity or a value too large for "
                         f"{a.dtype!r}.")


def _as_float_array(X: Any, name: str) -> np.ndarray:
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"Sparse data was passed for {name}, but dense data is required. "
                        "Use '.toarray()' to convert to a dense numpy array.")
    if X is None:
        raise ValueError(f"Expected array-like (array or non-string sequence) for {name}, "
                         "got None")
    raw = np.asarray(X) if not isinstance(X, np.ndarray) else X
    if np.iscomplexobj(raw) or (raw.dtype == object and any(
            isinstance(v, complex) for v in raw.ravel()[:1000])):
        raise ValueError(f"Complex data not supported in {name}.")
    try:
        return np.asarray(raw, dtype=np.float64)
    except TypeError as exc:
        raise TypeError(f"{name} could not be read as a numeric array: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{name} could not be read as a numeric array: {exc}") from None


def check_X(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a finite, non-empty 2-D float64 array, or an error saying why not."""
    arr = _as_float_array(X, name)
    if arr.ndim != 2:
        if arr.ndim > 2:
            raise ValueError(f"Found array with dim {arr.ndim} for {name}. Expected a 2D "
                             "array.")
        raise ValueError(f"Expected 2D array, got {arr.ndim}D array instead: {name} has "
                         f"shape {arr.shape}. Reshape your data either using "
                         "X.reshape(-1, 1) if your data has a single feature or "
                         "X.reshape(1, -1) if it contains a single sample.")
    if arr.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={arr.shape}) while a minimum "
                         "of 1 is required.")
    if arr.shape[1] == 0:
        raise ValueError(f"Found array with 0 feature(s) (shape={arr.shape}) while a "
                         "minimum of 1 is required.")
    _finite(arr, name)
    return arr


def check_y(y: Any, numeric: bool = True, multi_output: bool = False,
            who: str = "This estimator") -> np.ndarray:
    """``y`` as a 1-D array; a column vector is raveled (with a warning unless
    ``multi_output``), a 2-D ``y`` kept only with ``multi_output``."""
    if y is None:
        raise ValueError(f"{who} requires y to be passed, but the target y is None.")
    arr = _as_float_array(y, "y") if numeric else np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1 and not multi_output:
        warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                      "change the shape of y to (n_samples,), for example using ravel().",
                      DataConversionWarning, stacklevel=3)
        arr = arr.ravel()
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1 and not (multi_output and arr.ndim == 2):
        raise ValueError(f"y should be a 1d array, got an array of shape {arr.shape} instead.")
    if numeric or arr.dtype.kind == "f":
        _finite(arr, "y")
    return arr


def check_classification_targets(y: np.ndarray) -> None:
    """Refuse continuous targets (floats that are not whole numbers), as scikit-learn."""
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        raise ValueError("Unknown label type: continuous. Maybe you are trying to fit a "
                         "classifier, which expects discrete classes on a regression "
                         "target with continuous values.")
    if y.dtype == object and any(isinstance(v, float) and v != round(v) for v in y):
        raise ValueError("Unknown label type: continuous (float labels in an object array)")


def check_X_y(X: Any, y: Any, numeric_y: bool = True, multi_output: bool = False,
              who: str = "This estimator") -> tuple[np.ndarray, np.ndarray]:
    """Checked ``X`` (2-D) and ``y`` with the same number of samples."""
    Xa = check_X(X)
    ya = check_y(y, numeric_y, multi_output, who)
    if Xa.shape[0] != ya.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: X has "
                         f"shape {Xa.shape}, y has shape {ya.shape}")
    if not numeric_y:
        check_classification_targets(ya)
    return Xa, ya
