"""Every ``chainrule.numpy`` function takes array-likes (lists, tuples, scalars) wherever
NumPy does: outside a transformation it returns what NumPy returns, and inside one a list
may hold tracers, or sit beside a traced array, and the derivative is still right."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import is_tracer

V = [0.3, 0.6]
M = [[0.7, 0.2], [0.4, 0.9]]
SPD = [[2.0, 0.3], [0.3, 1.5]]
COL = [[1.2], [1.5]]

# name -> positional arguments (lists) and keyword arguments. The first list argument is
# the one the derivative is taken through.
CALLS = {
    **{name: ((V,), {}) for name in [
        "abs", "absolute", "arcsin", "arccos", "arctan", "arcsinh", "arctanh", "cbrt",
        "cos", "cosh", "exp", "exp2", "expm1", "log", "log10", "log1p", "log2", "negative",
        "relu", "sigmoid", "sin", "sinh", "softplus", "sqrt", "tan", "tanh", "expit",
        "reciprocal", "square", "leaky_relu", "softmax", "log_softmax", "logsumexp",
        "sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "cumsum",
        "ravel", "flip", "atleast_1d", "atleast_2d", "array", "asarray", "diag"]},
    "arccosh": (([1.3, 1.6],), {}),
    **{name: ((V, COL), {}) for name in [
        "add", "subtract", "multiply", "divide", "true_divide", "power", "maximum",
        "minimum", "arctan2", "hypot", "remainder", "mod", "fmod"]},
    "dot": ((V, M), {}), "vdot": ((V, V), {}), "inner": ((V, V), {}), "outer": ((V, V), {}),
    "matmul": ((M, V), {}), "tensordot": ((M, M), {"axes": 1}),
    "einsum": (("ij,j->i", M, V), {}), "where": (([True, False], V, [1.0, 2.0]), {}),
    "sum_axis": ((M,), {"axis": 0}), "reshape": ((M, (4,)), {}),
    "transpose": ((M,), {}), "swapaxes": ((M, 0, 1), {}), "moveaxis": ((M, 0, 1), {}),
    "expand_dims": ((V, 0), {}), "squeeze": (([[0.3, 0.6]],), {}),
    "broadcast_to": ((V, (3, 2)), {}), "concatenate": (((V, V),), {}),
    "stack": (((V, V),), {}), "hstack": (((V, V),), {}), "vstack": (((V, V),), {}),
    "split": ((V, 2), {}), "take": ((V, [1, 1, 0]), {}), "repeat": ((V, 2), {}),
    "tile": ((V, 2), {}), "diagonal": ((M,), {}), "trace": ((M,), {}),
    "clip": ((V, 0.4, 0.5), {}), "linspace": ((0.3, 0.9, 5), {}),
    "linalg.norm": ((V,), {}), "linalg.inv": ((M,), {}), "linalg.det": ((M,), {}),
    "linalg.slogdet": ((M,), {}), "linalg.solve": ((M, V), {}),
    "linalg.cholesky": ((SPD,), {}),
}


def _fn(module, name: str):
    if name == "sum_axis":
        name = "sum"
    for part in name.split("."):
        module = getattr(module, part)
    return module


def _first_list(args) -> int:
    return next(i for i, a in enumerate(args) if isinstance(a, (list, tuple, float)))


def _scale(a, s):
    """A copy of the nested list ``a`` with every float multiplied by ``s``."""
    if isinstance(a, (list, tuple)):
        return type(a)(_scale(x, s) for x in a)
    return a * s if isinstance(a, float) else a


def _total(out):
    """The sum of every float element of the output (a pytree)."""
    total = 0.0
    for x in cr.tree_flatten(out)[0]:
        if is_tracer(x) or np.issubdtype(np.asarray(x).dtype, np.floating):
            total = total + cnp.sum(x)
    return total


NOT_IN_NUMPY = {"relu", "sigmoid", "softplus", "expit", "reciprocal", "square", "leaky_relu",
                "softmax", "log_softmax", "logsumexp"}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_lists_are_arrays_outside_a_transformation(name):
    args, kwargs = CALLS[name]
    ours = _fn(cnp, name)(*args, **kwargs)
    if name in NOT_IN_NUMPY:
        theirs = _fn(cnp, name)(*[np.asarray(a) if isinstance(a, list) else a for a in args],
                                **kwargs)
    elif name == "split":  # NumPy's own split refuses a list; chainrule takes it
        theirs = np.split(np.asarray(args[0]), *args[1:])
    else:
        theirs = _fn(np, name)(*args, **kwargs)
    assert isinstance(ours, (tuple, list)) == isinstance(theirs, (tuple, list)), name
    for a, b in zip(cr.tree_flatten(ours)[0], cr.tree_flatten(theirs)[0], strict=True):
        assert np.shape(a) == np.shape(b), name
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("how", ["list of tracers", "list beside a traced array"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_lists_inside_a_transformation(name, how):
    args, kwargs = CALLS[name]
    k = _first_list(args)
    fn = _fn(cnp, name)

    def f(s):
        a = list(args)
        a[k] = _scale(a[k], s) if how == "list of tracers" else cnp.asarray(a[k]) * s
        return _total(fn(*a, **kwargs))

    h = 1e-6
    want = (float(f(1.0 + h)) - float(f(1.0 - h))) / (2 * h)
    got = cr.grad(f)(1.0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8, err_msg=name)
    np.testing.assert_allclose(cr.jvp(f, (1.0,), (1.0,))[1], got, rtol=1e-12, atol=1e-12)


def test_dot_with_a_list_reported_case():
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.dot([1.0, 2.0], x))(np.ones(2)),
                                  [1.0, 2.0])
    assert cnp.dot([1.0, 2.0], [3.0, 4.0]) == 11.0
