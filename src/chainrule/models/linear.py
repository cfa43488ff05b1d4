"""Least-squares linear regression, three ways: closed form, gradient descent, Newton.

``method="closed_form"`` solves the least-squares problem with ``np.linalg.lstsq``.
``"gd"`` and ``"newton"`` minimize the mean squared error with the gradient (and, for
Newton, the Hessian) computed by chainrule. Both work on internally standardized features
and targets (so one learning rate suits any units) and report the coefficients in the
original units. The MSE is quadratic, so Newton's method lands on the minimum in one step.

>>> import numpy as np
>>> X = np.array([[50.0], [100.0], [150.0]])     # house sizes in m²
>>> y = np.array([100.0, 200.0, 300.0])          # prices in thousands
>>> for method in ("closed_form", "gd", "newton"):
...     m = LinearRegression(method=method).fit(X, y)
...     print(method, round(float(m.coef_[0]), 6), round(float(m.intercept_), 4))
closed_form 2.0 0.0
gd 2.0 0.0
newton 2.0 0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from ._base import (
    BaseModel,
    RegressorMixin,
    boolean,
    choice,
    dask_rows,
    has_dask,
    integer,
    minimize_flat,
    nonnegative,
    optional_positive,
)
from ._validation import check_X_y

__all__ = ["LinearRegression"]

_METHODS = ("closed_form", "gd", "newton")


def _mse(theta: Any, Xa: np.ndarray, Y: np.ndarray) -> Any:
    """Mean squared error of ``Xa @ W`` for the flat parameter vector ``theta``."""
    W = cnp.reshape(theta, (Xa.shape[1], Y.shape[1]))
    r = Xa @ W - Y
    return cnp.mean(r * r)


def _power_of_two(m: np.ndarray) -> np.ndarray:
    """A power of two near each (positive) entry, 1 for zeros: dividing by it is exact."""
    return np.where(m > 0, np.ldexp(1.0, np.frexp(m)[1]), 1.0)


def _column_scale(A: np.ndarray) -> np.ndarray:
    """A power of two near the largest magnitude of each column."""
    return _power_of_two(np.max(np.abs(A), axis=0))


def _standardize(A: np.ndarray, center: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(Z, offset, scale)`` with ``Z = (A - offset) / scale`` computed without overflow:
    each column is divided by its largest magnitude before any sum or square (so data
    near 1e300 or 1e-300 standardizes like data near 1)."""
    m = _column_scale(A)
    B = A / m
    mu = B.mean(axis=0) if center else np.zeros(A.shape[1])
    sd = B.std(axis=0) if center else np.sqrt((B * B).mean(axis=0))
    sd = np.where(sd > 0, sd, 1.0)
    return (B - mu) / sd, mu * m, sd * m


def _curvature(Z: np.ndarray) -> float:
    """The largest eigenvalue of the Hessian ``2 Z^T Z / n`` of the MSE (at least 1e-12)."""
    gram = Z.T @ Z / len(Z)
    return max(2.0 * float(np.linalg.eigvalsh(gram)[-1]), 1e-12)


def _check_finite(W: np.ndarray, b: np.ndarray) -> None:
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError("LinearRegression: the coefficients in the units of X and y do not "
                         "fit in float64 (the scales of X and y differ too much); rescale "
                         "X or y")


class LinearRegression(RegressorMixin, BaseModel):
    """Ordinary least squares: ``y ≈ X @ coef_ + intercept_``.

    Args:
        method: ``"closed_form"`` (``np.linalg.lstsq``), ``"gd"`` (gradient descent on
            the MSE, gradient by chainrule) or ``"newton"`` (Newton's method, gradient
            and Hessian by chainrule).
        learning_rate: the step of gradient descent (on standardized data); ``None``
            takes ``1/L``, with ``L`` the largest eigenvalue of the MSE's Hessian, the
            step its curvature allows (one step suffices for a single feature).
        max_iter: the most iterations of ``"gd"`` / ``"newton"``.
        tol: ``gtol`` of :func:`chainrule.optim.minimize` on the standardized data
            (its scale-aware gradient criterion).
        fit_intercept: whether to fit ``intercept_`` (else it is 0).

    Fitted attributes: ``coef_`` (shape ``(n_features,)``, or ``(n_targets, n_features)``
    for a 2-D ``y``), ``intercept_``, ``n_features_in_``, ``n_iter_`` and
    ``loss_history_`` (the MSE in the original units at each iteration; one value for the
    closed form).
    """

    _supports_multi_output = True
    _parameter_checks = {"method": choice(*_METHODS),
                         "learning_rate": optional_positive,
                         "max_iter": integer(1), "tol": nonnegative,
                         "fit_intercept": boolean}

    def __init__(self, method: str = "closed_form", learning_rate: float | None = None,
                 max_iter: int = 1000, tol: float = 1e-10, fit_intercept: bool = True):
        self.method = method
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any) -> LinearRegression:
        """Fit the coefficients to ``X`` (n_samples, n_features) and ``y``; returns self."""
        self._validate_params()
        if has_dask((X, y)):
            from ..distributed._linear import fit_linear

            return fit_linear(self, X, y)
        X, y = check_X_y(X, y, multi_output=True, who="LinearRegression")
        Y = y.reshape(len(y), -1)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if self.method == "closed_form":
                W, b = self._closed_form(X, Y)
            else:
                W, b = self._iterative(X, Y)
            _check_finite(W, b)
        self.n_features_in_ = X.shape[1]
        self.coef_ = W[:, 0] if y.ndim == 1 else W.T
        self.intercept_ = float(b[0]) if y.ndim == 1 else b
        return self

    def _closed_form(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``np.linalg.lstsq`` on the centred data, each side divided by one overall
        scale (the same minimum-norm solution, without overflow)."""
        sx = float(_power_of_two(np.max(np.abs(X))))
        sy = float(_power_of_two(np.max(np.abs(Y))))
        Xs, Ys = X / sx, Y / sy
        mx = Xs.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        my = Ys.mean(axis=0) if self.fit_intercept else np.zeros(Y.shape[1])
        Ws = np.linalg.lstsq(Xs - mx, Ys - my, rcond=None)[0]
        self.n_iter_ = 0
        self.loss_history_ = [float(np.mean(((Xs - mx) @ Ws - (Ys - my)) ** 2)) * sy * sy]
        W = Ws * (sy / sx)
        return W, (my - mx @ Ws) * sy

    def _iterative(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Z, mx, sx = _standardize(X, self.fit_intercept)
        T, my, sy = _standardize(Y, self.fit_intercept)
        if self.fit_intercept:
            Z = np.hstack([Z, np.ones((len(Z), 1))])
        theta0 = np.zeros(Z.shape[1] * T.shape[1])
        rate = None
        if self.method == "gd":
            rate = self.learning_rate or 1.0 / _curvature(Z)
        sol = minimize_flat(lambda t: _mse(t, Z, T), theta0, self.method, self.max_iter,
                            self.tol, rate, who="LinearRegression")
        Wz = sol.x.reshape(Z.shape[1], T.shape[1])
        W = Wz[:X.shape[1]] * (sy / sx[:, None])
        b = my + (sy * Wz[-1] if self.fit_intercept else 0.0) - mx @ W
        self.n_iter_ = sol.nit
        self.loss_history_ = [float(v) * float(np.mean(sy ** 2)) for v in sol.history.loss]
        return W, np.broadcast_to(b, (Y.shape[1],)).astype(np.float64)

    @dask_rows
    def predict(self, X: Any) -> np.ndarray:
        """``X @ coef_.T + intercept_`` (lazy for a Dask array)."""
        X = self._check_predict_X(X, "coef_")
        return X @ np.asarray(self.coef_).T + self.intercept_
