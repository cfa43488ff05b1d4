"""Sample inputs for tests/test_autograd_parity.py, drawn per function.

``inputs(key, rng, fn) -> (args, kwargs)`` for autograd's function ``fn`` named
``"label:name"`` (labels as in the parity test). Float arrays (and lists of them) are the
arguments the test differentiates; Python numbers, integers and tuples are held fixed.
NumPy and SciPy ufuncs get random arrays in a safe domain, with broadcasting; the others
are listed by name.
"""

import numpy as np


class _Draw:
    def __init__(self, rng):
        self.rng = rng

    def u(self, shape=(3, 4), lo=0.2, hi=0.8):
        return self.rng.uniform(lo, hi, shape)

    def spd(self, n=3):
        a = self.rng.standard_normal((n, n))
        return a @ a.T + n * np.eye(n)

    def square(self, n=3):
        return self.rng.standard_normal((n, n)) + n * np.eye(n)

    def pick(self, *options):
        return options[int(self.rng.integers(len(options)))]


_DOMAIN = {"arccosh": (1.2, 3.0), "acosh": (1.2, 3.0), "sinc": (-1.5, 1.5),
           "arctan2": (-1.0, 1.0), "atan2": (-1.0, 1.0)}


def _ufunc_inputs(name, fn, d):
    lo, hi = _DOMAIN.get(name, (0.2, 0.8))
    if fn.nin == 1:
        return (d.u(d.pick((3, 4), (5,), ()), lo, hi),), {}
    if name in ("fmod", "mod", "remainder"):
        return (d.u((3, 4)), d.u((4,), 1.1, 2.0)), {}
    return (d.u((3, 4), lo, hi), d.u(d.pick((4,), (3, 4), ()), lo, hi)), {}


def _axis(d):
    return {"axis": d.pick(None, 0, 1, -1)}


_NUMPY = {
    **{n: lambda d: ((d.u((3, 4)),), _axis(d)) for n in (
        "amax", "amin", "max", "min", "sum", "prod", "cumsum")},
    **{n: lambda d: ((d.u((3, 4)),), {}) for n in (
        "angle", "real", "imag", "conj", "conjugate", "real_if_close", "fliplr", "flipud",
        "ravel", "transpose", "atleast_1d", "atleast_2d", "atleast_3d", "rot90")},
    "nan_to_num": lambda d: ((np.where(d.u((3, 4)) > 0.7, np.nan, d.u((3, 4))),), {}),
    # autograd differentiates sort and partition of 1-D arrays only, diagonal only over
    # the last two axes and without offset.
    "sort": lambda d: ((d.u((7,)),), {}),
    "partition": lambda d: ((d.u((7,)), d.pick(0, 2, 6)), {}),
    "array_split": lambda d: ((d.u((3, 5)), 2), {"axis": 1}),
    "split": lambda d: ((d.u((4, 6)), 2), {"axis": d.pick(0, 1)}),
    "hsplit": lambda d: ((d.u((3, 4)), 2), {}),
    "vsplit": lambda d: ((d.u((4, 3)), 2), {}),
    "dsplit": lambda d: ((d.u((2, 3, 4)), 2), {}),
    "astype": lambda d: ((d.u((3, 4)), np.float64), {}),
    "broadcast_to": lambda d: ((d.u((1, 4)), (3, 4)), {}),
    "clip": lambda d: ((d.u((3, 4)), 0.35, 0.65), {}),
    "cross": lambda d: ((d.u((2, 3)), d.u((2, 3))), {}),
    "diag": lambda d: ((d.u(d.pick((4,), (4, 4))),), {"k": d.pick(0, 1, -1)}),
    "diagonal": lambda d: ((d.u(d.pick((3, 3), (2, 4, 4))),), {"axis1": -1, "axis2": -2}),
    "trace": lambda d: ((d.u((4, 4)),), {}),
    "diff": lambda d: ((d.u((3, 5)),), {"axis": d.pick(0, 1), "n": d.pick(1, 2)}),
    "dot": lambda d: ((d.u((3, 4)), d.u(d.pick((4,), (4, 2)))), {}),
    "matmul": lambda d: ((d.u((2, 3, 4)), d.u((4, 2))), {}),
    "inner": lambda d: ((d.u((3, 4)), d.u((2, 4))), {}),
    "outer": lambda d: ((d.u((3,)), d.u((4,))), {}),
    "kron": lambda d: ((d.u((2, 3)), d.u((3, 2))), {}),
    "tensordot": lambda d: ((d.u((2, 3, 4)), d.u((4, 3))), {"axes": d.pick(1, ([1, 2], [1, 0]))}),
    "einsum": lambda d: (("ij,jk->ik", d.u((3, 4)), d.u((4, 2))), {}),
    "expand_dims": lambda d: ((d.u((3, 4)), 1), {}),
    "squeeze": lambda d: ((d.u((3, 1, 4)),), {}),
    "reshape": lambda d: ((d.u((3, 4)), (2, 6)), {}),
    "swapaxes": lambda d: ((d.u((2, 3, 4)), 0, 2), {}),
    "moveaxis": lambda d: ((d.u((2, 3, 4)), 0, 2), {}),
    "permute_dims": lambda d: ((d.u((2, 3, 4)), (2, 0, 1)), {}),
    "rollaxis": lambda d: ((d.u((2, 3, 4)), 2), {}),
    "repeat": lambda d: ((d.u((3, 4)), 2), {"axis": d.pick(None, 1)}),
    "tile": lambda d: ((d.u((3, 4)), (2, 1)), {}),
    "roll": lambda d: ((d.u((3, 4)), 1), {"axis": d.pick(None, 1)}),
    "tril": lambda d: ((d.u((4, 4)),), {"k": d.pick(0, 1, -1)}),
    "triu": lambda d: ((d.u((4, 4)),), {"k": d.pick(0, 1, -1)}),
    "pad": lambda d: ((d.u((3, 4)), d.pick(1, ((1, 0), (0, 2))), "constant"), {}),
    "sinc": lambda d: ((d.u((3, 4), -1.5, 1.5),), {}),
    "full": lambda d: (((3, 4), d.u(())), {}),
    "linspace": lambda d: ((d.u(()), d.u(()) + 1.0, 5), {}),
    "gradient": lambda d: ((d.u((6,)),), {}),
    "concatenate": lambda d: (([d.u((3, 4)), d.u((2, 4))],), {}),
    "stack": lambda d: (([d.u((3, 4)), d.u((3, 4))],), {"axis": d.pick(0, 1)}),
    **{n: lambda d: (([d.u((4,)), d.u((4,))],), {}) for n in (
        "vstack", "row_stack", "hstack", "column_stack", "array")},
    "append": lambda d: ((d.u((3, 4)), d.u((4,))), {}),
    "select": lambda d: (([d.u((4,)) > 0.5, d.u((4,)) > 0.3], [d.u((4,)), d.u((4,))]), {}),
}

def _real_spectrum(d, n=3):
    """A nonsymmetric matrix with distinct real eigenvalues (autograd's eig rule is wrong
    for complex ones: see the parity test's AUTOGRAD_WRONG)."""
    s = np.eye(n) + 0.3 * d.rng.standard_normal((n, n))
    return s @ np.diag([1.0, 2.5, 4.0][:n] + d.u((n,), 0.0, 0.3)) @ np.linalg.inv(s)


_LINALG = {
    "cholesky": lambda d: ((d.spd(),), {}),
    "det": lambda d: ((d.square(),), {}),
    "slogdet": lambda d: ((d.square(),), {}),
    "inv": lambda d: ((d.square(),), {}),
    "pinv": lambda d: ((d.u((4, 3)),), {}),
    "eigh": lambda d: ((d.spd(),), {}),
    "eig": lambda d: ((d.pick(d.spd(), _real_spectrum(d)),), {}),
    "solve": lambda d: ((d.square(), d.u(d.pick((3,), (3, 2)))), {}),
    "svd": lambda d: ((d.u((4, 3)),), {"full_matrices": False}),
    "norm": lambda d: d.pick(((d.u((5,)),), {"ord": d.pick(None, 2, 3)}),
                             ((d.u((3, 4)),), {"ord": d.pick(None, "fro", "nuc")})),
}

_SPECIAL = {
    **{n: lambda d: ((d.u((3, 4), 0.5, 3.0), d.u((4,), 0.5, 3.0)), {}) for n in (
        "beta", "betaln", "gammainc", "gammaincc")},
    "betainc": lambda d: ((d.u((3, 4), 0.5, 3.0), d.u((4,), 0.5, 3.0), d.u((3, 4))), {}),
    **{n: lambda d: ((2, d.u((3, 4), 0.5, 3.0)), {}) for n in ("jn", "yn")},
    **{n: lambda d: ((1.5, d.u((3, 4), 0.5, 3.0)), {}) for n in ("iv", "ive")},
    "polygamma": lambda d: ((d.pick(0, 1, 2), d.u((3, 4), 0.5, 3.0)), {}),
    "multigammaln": lambda d: ((d.u((3,), 2.0, 4.0), d.pick(1, 2, 3)), {}),
    "logsumexp": lambda d: ((d.u((3, 4), -2.0, 2.0),), {**_axis(d), "keepdims": False}),
}

_SCIPY_LINALG = {
    "sqrtm": lambda d: ((d.spd(),), {}),
    "solve_triangular": lambda d: ((np.triu(d.square()), d.u(d.pick((3,), (3, 2)))), {}),
    "solve_sylvester": lambda d: ((d.spd(), d.spd(), d.u((3, 3))), {}),
    "solve_banded": lambda d: (((1, 1), d.u((3, 4), 1.0, 2.0) + [[0], [3], [0]],
                                d.u((4,))), {}),
}

def _real_or_complex(d, shape):
    x = d.u(shape, -1.0, 1.0)
    return d.pick(x, x + 1j * d.u(shape, -1.0, 1.0))


_FFT = {
    **{n: lambda d: ((_real_or_complex(d, (3, 4)),), d.pick({}, {"axis": 0}, {"n": 6}))
       for n in ("fft", "ifft", "irfft")},
    "rfft": lambda d: ((d.u((3, 4), -1.0, 1.0),), d.pick({}, {"axis": 0}, {"n": 4})),
    **{n: lambda d: ((_real_or_complex(d, (2, 3, 4)),), d.pick({}, {"axes": (0, 2)}))
       for n in ("fft2", "ifft2", "fftn", "ifftn", "irfft2", "irfftn")},
    **{n: lambda d: ((d.u((2, 3, 4), -1.0, 1.0),), d.pick({}, {"axes": (0, 2)}))
       for n in ("rfft2", "rfftn")},
    **{n: lambda d: ((_real_or_complex(d, (3, 5)),), d.pick({}, {"axes": 1}))
       for n in ("fftshift", "ifftshift")},
}

_SIGNAL = {
    "convolve": lambda d: d.pick(((d.u((6,)), d.u((3,))), {"mode": d.pick("full", "valid")}),
                                 ((d.u((4, 5)), d.u((2, 3))), {"mode": "full"})),
}

_LOC_SCALE = (lambda d: (d.u((5,), -1.0, 1.0), d.u((), -0.5, 0.5), d.u((), 0.5, 2.0)))
_STATS = {
    **{f"norm:{f}": lambda d: (_LOC_SCALE(d), {}) for f in (
        "cdf", "logcdf", "logpdf", "logsf", "pdf", "sf")},
    **{f"t:{f}": lambda d: ((d.u((5,), -1.0, 1.0), d.u((), 1.0, 5.0), d.u((), -0.5, 0.5),
                             d.u((), 0.5, 2.0)), {}) for f in ("cdf", "logcdf", "logpdf", "pdf")},
    **{f"gamma:{f}": lambda d: ((d.u((5,), 0.5, 3.0), d.u((), 0.5, 3.0)), {})
       for f in ("cdf", "logpdf", "pdf")},
    **{f"chi2:{f}": lambda d: ((d.u((5,), 0.5, 3.0), np.array(float(d.pick(1, 2, 3, 4)))), {})
       for f in ("cdf", "logpdf", "pdf")},
    **{f"beta:{f}": lambda d: ((d.u((5,), 0.1, 0.9), d.u((), 0.5, 3.0), d.u((), 0.5, 3.0)),
                               {}) for f in ("cdf", "logpdf", "pdf")},
    **{f"poisson:{f}": lambda d: ((d.rng.integers(0, 6, 5), d.u((), 0.5, 4.0)), {})
       for f in ("cdf", "logpmf", "pmf")},
    **{f"dirichlet:{f}": lambda d: ((d.rng.dirichlet(np.ones(4)), d.u((4,), 0.5, 3.0)), {})
       for f in ("logpdf", "pdf")},
    **{f"multivariate_normal:{f}": lambda d: ((d.u(d.pick((3,), (5, 3))), d.u((3,)),
                                               d.spd()), {}) for f in ("logpdf", "pdf")},
    "multivariate_normal:entropy": lambda d: ((d.u((3,)), d.spd()), {}),
}


def _decay(y, t):
    return -0.5 * y + 0.1 * t


_INTEGRATE = {"odeint": lambda d: ((_decay, d.u((2,)), np.linspace(0.0, 1.0, 4), ()), {})}


def inputs(key, rng, fn):
    """Sample arguments for autograd's function ``fn``, named ``key`` (``"label:name"``)."""
    label, name = key.split(":")
    d = _Draw(rng)
    if label.startswith("stats."):
        return _STATS[f"{label[6:]}:{name}"](d)
    table = {"numpy": _NUMPY, "linalg": _LINALG, "fft": _FFT, "special": _SPECIAL,
             "signal": _SIGNAL, "scipy.linalg": _SCIPY_LINALG,
             "integrate": _INTEGRATE}.get(label, {})
    if name in table:
        return table[name](d)
    fn = getattr(fn, "fun", fn)  # the function autograd wraps
    if isinstance(fn, np.ufunc):
        return _ufunc_inputs(name, fn, d)
    raise LookupError(f"no sample inputs for {key}: add them to the tables above")
