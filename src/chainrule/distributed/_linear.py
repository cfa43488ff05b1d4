"""``LinearRegression`` and ``LogisticRegression`` fitted on Dask arrays.

The objectives are the in-memory ones, evaluated chunk by chunk (means weighted by the
chunk sizes), and the solvers are the same calls of :func:`chainrule.optim.minimize`,
so the coefficients are the in-memory ones up to rounding. What the in-memory fits
compute in closed form over all rows (the least-squares solution, Newton's Hessian of
the log-loss, a curvature bound for gradient descent) is summed over the chunks:
Gram matrices ``X_i^T X_i`` and ``B_i^T B_i``. The closed-form least squares therefore
solves the normal equations of the centred data (``lstsq`` of the Gram matrix, which
gives the same minimum-norm answer but squares the condition number: for badly
conditioned X prefer ``method="newton"``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..models import linear as _lin
from ..models import logistic as _log
from ..models._base import minimize_flat
from ._grad import Objective
from ._predict import check_dask_Xy, labels_and_target
from ._reduce import chunk_sum

__all__ = ["fit_linear", "fit_logistic"]


def _stats(X: Any, Y: Any) -> tuple:
    """Column maxima of |X| and |Y|, column sums and sums of squares, in one pass; a
    chunk with NaN or infinity is named."""
    import dask

    out = dask.compute(abs(X).max(axis=0), abs(Y).max(axis=0))
    if not all(np.all(np.isfinite(o)) for o in out):
        chunk_sum(lambda s, *b: None, X, Y)  # raises, naming the chunk
    return out


def _gram(shared: tuple, Xb: np.ndarray, Yb: np.ndarray) -> tuple:
    sx, sy, mx, my = shared
    Xc = Xb / sx - mx
    Yc = np.asarray(Yb, dtype=np.float64).reshape(len(Xb), -1) / sy - my
    return Xc.T @ Xc, Xc.T @ Yc, (Yc * Yc).sum()


def _closed_form(model: Any, X: Any, Y: Any) -> tuple:
    import dask

    n = X.shape[0]
    xmax, ymax = _stats(X, Y)
    sx = float(_lin._power_of_two(np.max(xmax)))
    sy = float(_lin._power_of_two(np.max(ymax)))
    if model.fit_intercept:
        mx, my = dask.compute(X.mean(axis=0) / sx, Y.mean(axis=0) / sy)
    else:
        mx, my = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    G, b, yy = chunk_sum(_gram, X, Y, (sx, sy, mx, my), check=False)
    Ws = np.linalg.lstsq(G, b, rcond=None)[0]
    mse = (np.sum(Ws * (G @ Ws)) - 2 * np.sum(Ws * b) + yy) / (n * Y.shape[1])
    model.n_iter_ = 0
    model.loss_history_ = [float(max(mse, 0.0)) * sy * sy]
    return Ws * (sy / sx), (my - mx @ Ws) * sy


def _standardize(A: Any, center: bool) -> tuple:
    """The lazy ``(Z, offset, scale)`` of ``models.linear._standardize``."""
    import dask

    m = _lin._power_of_two(abs(A).max(axis=0).compute())
    B = A / m
    if center:
        mu, sd = dask.compute(B.mean(axis=0), B.std(axis=0))
    else:
        mu, sd = np.zeros(A.shape[1]), np.sqrt((B * B).mean(axis=0).compute())
    sd = np.where(sd > 0, sd, 1.0)
    return (B - mu) / sd, mu * m, sd * m


def _with_ones(Z: Any) -> Any:
    import dask.array as da

    return da.hstack([Z, da.ones((Z.shape[0], 1), chunks=(Z.chunks[0], 1))]).rechunk(
        {1: -1})


def _top_eig(G: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(G)[-1])


def _iterative(model: Any, X: Any, Y: Any) -> tuple:
    _stats(X, Y)
    Z, mx, sx = _standardize(X, model.fit_intercept)
    T, my, sy = _standardize(Y, model.fit_intercept)
    if model.fit_intercept:
        Z = _with_ones(Z)
    theta0 = np.zeros(Z.shape[1] * T.shape[1])
    rate = None
    if model.method == "gd":
        gram = chunk_sum(lambda s, Zb: Zb.T @ Zb, Z, check=False) / Z.shape[0]
        rate = model.learning_rate or 1.0 / max(2.0 * _top_eig(gram), 1e-12)
    sol = minimize_flat(Objective(_lin._mse, Z, T, check=False), theta0, model.method,
                        model.max_iter, model.tol, rate, who="LinearRegression")
    Wz = sol.x.reshape(Z.shape[1], T.shape[1])
    W = Wz[:X.shape[1]] * (sy / sx[:, None])
    b = my + (sy * Wz[-1] if model.fit_intercept else 0.0) - mx @ W
    model.n_iter_ = sol.nit
    model.loss_history_ = [float(v) * float(np.mean(sy ** 2)) for v in sol.history.loss]
    return W, np.broadcast_to(b, (Y.shape[1],)).astype(np.float64)


def fit_linear(model: Any, X: Any, y: Any) -> Any:
    """``LinearRegression.fit`` on Dask arrays (parameters already validated)."""
    X, y = check_dask_Xy(X, y, "LinearRegression", multi_output=True)
    Y = y.reshape(y.shape[0], -1).astype(np.float64)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if model.method == "closed_form":
            W, b = _closed_form(model, X.astype(np.float64), Y)
        else:
            W, b = _iterative(model, X.astype(np.float64), Y)
        _lin._check_finite(W, b)
    model.n_features_in_ = X.shape[1]
    model.coef_ = W[:, 0] if y.ndim == 1 else W.T
    model.intercept_ = float(b[0]) if y.ndim == 1 else b
    return model


def _chunk_objective(obj: Any, mask: np.ndarray, lam: float, icpt: bool, theta: Any,
                     Xb: np.ndarray, tb: np.ndarray) -> Any:
    return obj(theta, Xb, tb, mask, lam, icpt)


def _hessian_part(shared: tuple, Xb: np.ndarray, tb: np.ndarray) -> np.ndarray:
    theta, mask, k, icpt = shared
    Xa = np.hstack([Xb, np.ones((len(Xb), 1))]) if icpt else Xb
    if k:
        return _log._multinomial_hessian(theta, Xa, mask, 0.0, k) * len(Xb)
    return _log._binary_hessian(theta, Xa, mask, 0.0) * len(Xb)


def _gram_part(icpt: bool, Xb: np.ndarray) -> np.ndarray:
    Xa = np.hstack([Xb, np.ones((len(Xb), 1))]) if icpt else Xb
    return Xa.T @ Xa


def _solve_logistic(model: Any, X: Any, target: Any, mask: np.ndarray, lam: float,
                    k: int) -> Any:
    icpt, who, n = model.fit_intercept, "LogisticRegression", X.shape[0]
    obj = _log.multinomial_objective if k else _log.binary_objective
    f = Objective(functools.partial(_chunk_objective, obj, mask, lam, icpt), X, target)
    theta0 = np.zeros(max(k, 1) * len(mask))
    if model.solver in ("gd", "lbfgs"):
        rate = None
        if model.solver == "gd":
            top = _top_eig(chunk_sum(_gram_part, X, None, icpt) / n)
            rate = model.learning_rate or 1.0 / max(top * (0.5 if k else 0.25) + lam, 1e-12)
        return minimize_flat(f, theta0, model.solver, model.max_iter, model.tol, rate,
                             who=who)
    if model.hessian == "autodiff":
        return minimize_flat(f, theta0, "newton", model.max_iter, model.tol, who=who)

    def hess(t: np.ndarray) -> np.ndarray:
        h = chunk_sum(_hessian_part, X, target, (t, mask, k, icpt), check=False) / n
        return h + lam * np.diag(np.tile(mask, max(k, 1)))

    return minimize_flat(f, theta0, "newton", model.max_iter, model.tol, hess=hess, who=who)


def fit_logistic(model: Any, X: Any, y: Any) -> Any:
    """``LogisticRegression.fit`` on Dask arrays (parameters already validated)."""
    X, y = check_dask_Xy(X, y, "LogisticRegression")
    X = X.astype(np.float64)
    classes, target = labels_and_target(y, model.multi_class == "multinomial",
                                        "LogisticRegression")
    k = len(classes)
    softmax = target.ndim == 2
    mask = np.ones(X.shape[1] + int(model.fit_intercept))
    if model.fit_intercept:
        mask[-1] = 0.0
    lam = 1.0 / (model.C * X.shape[0]) if model.penalty == "l2" else 0.0
    model.classes_ = classes
    sol = _solve_logistic(model, X, target, mask, lam, k if softmax else 0)
    return model._publish(sol, X.shape[1], k if softmax else 0, lam)
