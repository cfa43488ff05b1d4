"""Logistic regression, binary (sigmoid) and multinomial (softmax), with an L2 penalty.

The objective follows scikit-learn's convention, ``C * sum(log-loss) + 0.5 * ||w||²``
with the intercept not penalized, so with the same ``C`` the coefficients match
``sklearn.linear_model.LogisticRegression(solver="lbfgs")``. It is minimized divided by
``C * n_samples`` (the same minimizer): the mean log-loss plus ``||w||² / (2 C n)``.

Solvers, all through :func:`chainrule.optim.minimize` with gradients by chainrule:
``"lbfgs"`` (default, as in scikit-learn), ``"newton"`` (the Hessian in closed form,
``X^T diag(p(1-p)) X`` and its multinomial analogue, or by chainrule with
``hessian="autodiff"``) and ``"gd"`` (gradient descent with ``learning_rate``).

>>> import numpy as np
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
>>> model = LogisticRegression(C=10.0).fit(X, [0, 0, 1, 1])
>>> model.predict([[0.2], [2.8]]).tolist()
[0, 1]
>>> model.predict_proba([[1.5]]).round(3).tolist()
[[0.5, 0.5]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from ._base import (
    BaseModel,
    ClassifierMixin,
    boolean,
    choice,
    dask_rows,
    encode_labels,
    has_dask,
    integer,
    minimize_flat,
    nonnegative,
    optional_positive,
    positive,
)
from ._validation import check_X_y, check_y

__all__ = ["LogisticRegression", "binary_objective", "log_loss", "multinomial_objective"]

_SOLVERS = ("newton", "lbfgs", "gd")


def binary_objective(theta: Any, Xa: np.ndarray, y: np.ndarray, mask: np.ndarray,
                     lam: float, intercept: bool = False) -> Any:
    """Mean log-loss of ``sigmoid(Xa @ theta)`` plus ``lam/2 * sum(mask * theta²)``.

    With ``intercept``, the last entry of ``theta`` is an intercept added to ``Xa @ w``
    (no column of ones is stacked onto the data, which would copy it).
    """
    z = Xa @ theta[:-1] + theta[-1] if intercept else Xa @ theta
    data = (cnp.sum(cnp.softplus(z)) - y @ z) / len(y)
    return data + 0.5 * lam * cnp.sum(mask * theta * theta)


def multinomial_objective(theta: Any, Xa: np.ndarray, Y: np.ndarray, mask: np.ndarray,
                          lam: float, intercept: bool = False) -> Any:
    """Mean cross-entropy of ``softmax(Xa @ W.T)`` (``W`` is ``theta`` as a
    ``(n_classes, n_columns)`` matrix, ``Y`` one-hot) plus ``lam/2 * sum(mask * W²)``;
    with ``intercept`` the last column of ``W`` is the intercepts."""
    W = cnp.reshape(theta, (Y.shape[1], Xa.shape[1] + int(intercept)))
    z = Xa @ W[:, :-1].T + W[:, -1] if intercept else Xa @ W.T
    logp = cnp.log_softmax(z, axis=1)
    return -cnp.sum(Y * logp) / Xa.shape[0] + 0.5 * lam * cnp.sum(mask * W * W)


def _binary_hessian(theta: np.ndarray, Xa: np.ndarray, mask: np.ndarray,
                    lam: float) -> np.ndarray:
    """``Xa^T diag(p(1-p)) Xa / n + lam * diag(mask)``, in closed form (as ``B^T B`` with
    ``B = sqrt(p(1-p)/n) Xa``, which NumPy computes with a symmetric rank-k update)."""
    p = 1.0 / (1.0 + np.exp(-(Xa @ theta)))
    B = Xa * np.sqrt(p * (1.0 - p) / Xa.shape[0])[:, None]
    return B.T @ B + lam * np.diag(mask)


def _multinomial_hessian(theta: np.ndarray, Xa: np.ndarray, mask: np.ndarray,
                         lam: float, k: int) -> np.ndarray:
    """Blocks ``Xa^T diag(p_a (δ_ab - p_b)) Xa / n`` for classes a, b, plus the penalty."""
    m = Xa.shape[1]
    Z = Xa @ theta.reshape(k, m).T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    H = np.empty((k * m, k * m))
    for a in range(k):
        for b in range(a, k):
            w = P[:, a] * ((a == b) - P[:, b]) / Xa.shape[0]
            block = Xa.T @ (Xa * w[:, None])
            H[a * m:(a + 1) * m, b * m:(b + 1) * m] = block
            H[b * m:(b + 1) * m, a * m:(a + 1) * m] = block.T
    return H + lam * np.diag(np.tile(mask, k))


def _curvature_bound(X: np.ndarray, intercept: bool, lam: float, k: int) -> float:
    """An upper bound on the Hessian's largest eigenvalue: ``λmax(XaᵀXa) / 4n + lam`` for
    the sigmoid (p(1-p) <= 1/4), ``λmax(XaᵀXa) / 2n + lam`` for the softmax."""
    Xa = np.hstack([X, np.ones((len(X), 1))]) if intercept else X
    top = float(np.linalg.eigvalsh(Xa.T @ Xa / len(X))[-1])
    return max(top * (0.5 if k else 0.25) + lam, 1e-12)


class LogisticRegression(ClassifierMixin, BaseModel):
    """Logistic regression classifier (binary or multinomial), L2-regularized.

    Args:
        C: inverse regularization strength (scikit-learn's convention).
        penalty: ``"l2"`` or ``None``.
        solver: ``"newton"``, ``"lbfgs"`` or ``"gd"``.
        max_iter: the most iterations of the solver.
        tol: stop when the norm of the mean objective's gradient is at most this (the
            defaults, ``solver="lbfgs"`` and ``tol=1e-4``, are scikit-learn's).
        multi_class: ``"auto"`` (sigmoid for two classes, softmax for more) or
            ``"multinomial"`` (softmax always; two classes give two coefficient rows).
        fit_intercept: whether to fit an (unpenalized) intercept.
        learning_rate: the step of ``solver="gd"``; ``None`` takes ``1/L`` with ``L``
            the largest curvature the objective can have (``λmax(XᵀX) / 4n`` plus the
            penalty, doubled for softmax), so gradient descent cannot diverge.
        hessian: ``"closed_form"`` (fast) or ``"autodiff"`` (chainrule's ``hessian``;
            one forward-over-reverse pass per parameter, for checking and small problems).

    Fitted attributes: ``classes_``, ``coef_`` (``(1, n_features)`` for two classes,
    else ``(n_classes, n_features)``), ``intercept_``, ``n_features_in_``, ``n_iter_``,
    ``loss_history_`` (the mean objective per iteration) and ``converged_``.
    """

    _parameter_checks = {"C": positive, "penalty": choice("l2", None),
                         "solver": choice(*_SOLVERS), "max_iter": integer(1),
                         "tol": nonnegative, "multi_class": choice("auto", "multinomial"),
                         "fit_intercept": boolean, "learning_rate": optional_positive,
                         "hessian": choice("closed_form", "autodiff")}

    def __init__(self, C: float = 1.0, penalty: str | None = "l2", solver: str = "lbfgs",
                 max_iter: int = 100, tol: float = 1e-4, multi_class: str = "auto",
                 fit_intercept: bool = True, learning_rate: float | None = None,
                 hessian: str = "closed_form"):
        self.C = C
        self.penalty = penalty
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.learning_rate = learning_rate
        self.hessian = hessian

    def fit(self, X: Any, y: Any) -> LogisticRegression:
        """Fit to ``X`` (n_samples, n_features) and class labels ``y``; returns self."""
        self._validate_params()
        if has_dask((X, y)):
            from ..distributed._linear import fit_logistic

            return fit_logistic(self, X, y)
        X, y = check_X_y(X, y, numeric_y=False, who="LogisticRegression")
        self.classes_, idx = encode_labels(y)
        k = len(self.classes_)
        softmax = k > 2 or self.multi_class == "multinomial"
        mask = np.ones(X.shape[1] + int(self.fit_intercept))
        if self.fit_intercept:
            mask[-1] = 0.0
        lam = 1.0 / (self.C * len(X)) if self.penalty == "l2" else 0.0
        target = np.eye(k)[idx] if softmax else idx.astype(np.float64)
        sol = self._solve(X, target, mask, lam, k if softmax else 0)
        return self._publish(sol, X.shape[1], k if softmax else 0, lam)

    def _publish(self, sol: Any, d: int, k: int, lam: float) -> LogisticRegression:
        """Set the fitted attributes from the solution over ``d`` features (``k``
        classes with softmax, 0 with the sigmoid); returns self."""
        softmax = k > 0
        W = sol.x.reshape(k if softmax else 1, d + int(self.fit_intercept))
        self.coef_ = W[:, :d].copy()
        self.intercept_ = W[:, d].copy() if self.fit_intercept else np.zeros(len(W))
        if softmax:  # softmax ignores a shift shared by all classes: report centered values
            self.intercept_ -= self.intercept_.mean()
            if lam == 0.0:
                self.coef_ -= self.coef_.mean(axis=0)
        self.n_features_in_ = d
        self.n_iter_ = sol.nit
        self.loss_history_ = list(sol.history.loss)
        self.converged_ = sol.success
        return self

    def _solve(self, X: np.ndarray, target: np.ndarray, mask: np.ndarray, lam: float,
               k: int) -> Any:
        """Minimize the objective with chainrule.optim; ``k`` is the number of classes
        (0 for sigmoid)."""
        obj = multinomial_objective if k else binary_objective
        icpt, who = self.fit_intercept, "LogisticRegression"
        theta0 = np.zeros(max(k, 1) * len(mask))

        def f(t: Any) -> Any:
            return obj(t, X, target, mask, lam, icpt)

        if self.solver in ("gd", "lbfgs"):
            rate = None
            if self.solver == "gd":
                rate = self.learning_rate or 1.0 / _curvature_bound(X, icpt, lam, k)
            return minimize_flat(f, theta0, self.solver, self.max_iter, self.tol, rate,
                                 who=who)
        if self.hessian == "autodiff":
            return minimize_flat(f, theta0, "newton", self.max_iter, self.tol, who=who)
        Xa = np.hstack([X, np.ones((len(X), 1))]) if icpt else X  # for the closed form
        if k:
            hess = lambda t: _multinomial_hessian(t, Xa, mask, lam, k)
        else:
            hess = lambda t: _binary_hessian(t, Xa, mask, lam)
        return minimize_flat(f, theta0, "newton", self.max_iter, self.tol, hess=hess, who=who)

    @dask_rows
    def decision_function(self, X: Any) -> np.ndarray:
        """``X @ coef_.T + intercept_``: shape ``(n,)`` for one row of coefficients."""
        X = self._check_predict_X(X, "coef_")
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    @dask_rows
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, n_classes)``, columns in ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            with np.errstate(over="ignore"):  # exp(-s) = inf gives p = 0, as it should
                p = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1.0 - p, p])
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    @dask_rows
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithm of :meth:`predict_proba` (``-inf`` where it is 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @dask_rows
    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample."""
        scores = self.decision_function(X)
        idx = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[idx]


def log_loss(y: Any, proba: np.ndarray, classes: np.ndarray) -> float:
    """Mean negative log-likelihood of labels ``y`` under ``proba`` (columns ``classes``)."""
    yt = check_y(y, numeric=False)
    idx = np.searchsorted(classes, yt)
    p = np.clip(proba[np.arange(len(yt)), idx], 1e-300, 1.0)
    return float(-np.mean(np.log(p)))
