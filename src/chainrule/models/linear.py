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
from ._base import BaseModel, RegressorMixin, check_X_y, minimize_flat

__all__ = ["LinearRegression"]

_METHODS = ("closed_form", "gd", "newton")


def _mse(theta: Any, Xa: np.ndarray, Y: np.ndarray) -> Any:
    """Mean squared error of ``Xa @ W`` for the flat parameter vector ``theta``."""
    W = cnp.reshape(theta, (Xa.shape[1], Y.shape[1]))
    r = Xa @ W - Y
    return cnp.mean(r * r)


def _scales(X: np.ndarray, Y: np.ndarray, fit_intercept: bool) -> tuple:
    """Offsets and scales that standardize X and Y (no centering without an intercept)."""
    if fit_intercept:
        mx, my = X.mean(axis=0), Y.mean(axis=0)
        sx, sy = X.std(axis=0), Y.std(axis=0)
    else:
        mx, my = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
        sx, sy = np.sqrt((X * X).mean(axis=0)), np.sqrt((Y * Y).mean(axis=0))
    sx = np.where(sx > 0, sx, 1.0)
    sy = np.where(sy > 0, sy, 1.0)
    return mx, my, sx, sy


class LinearRegression(RegressorMixin, BaseModel):
    """Ordinary least squares: ``y ≈ X @ coef_ + intercept_``.

    Args:
        method: ``"closed_form"`` (``np.linalg.lstsq``), ``"gd"`` (gradient descent on
            the MSE, gradient by chainrule) or ``"newton"`` (Newton's method, gradient
            and Hessian by chainrule).
        learning_rate: the step of gradient descent (on standardized data).
        max_iter: the most iterations of ``"gd"`` / ``"newton"``.
        tol: stop when every entry of the gradient (standardized data) is at most this.
        fit_intercept: whether to fit ``intercept_`` (else it is 0).

    Fitted attributes: ``coef_`` (shape ``(n_features,)``, or ``(n_targets, n_features)``
    for a 2-D ``y``), ``intercept_``, ``n_features_in_``, ``n_iter_`` and
    ``loss_history_`` (the MSE in the original units at each iteration; one value for the
    closed form).
    """

    def __init__(self, method: str = "closed_form", learning_rate: float = 0.01,
                 max_iter: int = 1000, tol: float = 1e-10, fit_intercept: bool = True):
        self.method = method
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept

    def fit(self, X: Any, y: Any) -> LinearRegression:
        """Fit the coefficients to ``X`` (n_samples, n_features) and ``y``; returns self."""
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        X, y = check_X_y(X, y, multi_output=True)
        Y = y.reshape(len(y), -1)
        if self.method == "closed_form":
            W, b = self._closed_form(X, Y)
            self.n_iter_ = 0
            self.loss_history_ = [float(np.mean((X @ W + b - Y) ** 2))]
        else:
            W, b = self._iterative(X, Y)
        self.n_features_in_ = X.shape[1]
        self.coef_ = W[:, 0] if y.ndim == 1 else W.T
        self.intercept_ = float(b[0]) if y.ndim == 1 else b
        return self

    def _closed_form(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mx = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        my = Y.mean(axis=0) if self.fit_intercept else np.zeros(Y.shape[1])
        W = np.linalg.lstsq(X - mx, Y - my, rcond=None)[0]
        return W, my - mx @ W

    def _iterative(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mx, my, sx, sy = _scales(X, Y, self.fit_intercept)
        Z, T = (X - mx) / sx, (Y - my) / sy
        if self.fit_intercept:
            Z = np.hstack([Z, np.ones((len(Z), 1))])
        theta0 = np.zeros(Z.shape[1] * T.shape[1])
        sol = minimize_flat(lambda t: _mse(t, Z, T), theta0, self.method, self.max_iter,
                            self.tol, self.learning_rate if self.method == "gd" else None)
        Wz = sol.x.reshape(Z.shape[1], T.shape[1])
        W = Wz[:X.shape[1]] * sy / sx[:, None]
        b = my + (sy * Wz[-1] if self.fit_intercept else 0.0) - mx @ W
        self.n_iter_ = sol.nit
        self.loss_history_ = [float(v) * float(np.mean(sy ** 2)) for v in sol.history.loss]
        return W, np.broadcast_to(b, (Y.shape[1],)).astype(np.float64)

    def predict(self, X: Any) -> np.ndarray:
        """``X @ coef_.T + intercept_``."""
        X = self._check_predict_X(X, "coef_")
        return X @ np.asarray(self.coef_).T + self.intercept_
