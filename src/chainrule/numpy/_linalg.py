"""Linear algebra primitives: matmul, einsum, inv, det, log|det|, solve, cholesky.

Matrix rules work on stacks of matrices (the last two axes), as NumPy does.
"""

from __future__ import annotations

import functools

import numpy as np

from ..core import Sample
from ..core.batching import pad_rank, stacked_batch
from ..core.reverse import is_complex
from ._base import PRIMS, PerArg, defprim, dtype, ndim, sample_args, shape, unbroadcast
from ._reductions import sum
from ._shape import reshape, transpose


def mT(x):
    """Swap the last two axes (matrix transpose of a stack)."""
    nd = ndim(x)
    return transpose(x, axes=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _col(x):
    s = shape(x)
    return reshape(x, shape=s + (1,))


def _row(x):
    s = shape(x)
    return reshape(x, shape=s[:-1] + (1,) + s[-1:])


def _uncol(x):
    return reshape(x, shape=shape(x)[:-1])


def _matmul_vjp_a(g, ans, a, b):
    if ndim(b) == 1:
        return g * b if ndim(a) == 1 else unbroadcast(_col(g) * b, a)
    if ndim(a) == 1:
        return unbroadcast(_uncol(matmul(b, _col(g))), a)
    return unbroadcast(matmul(g, mT(b)), a)


def _matmul_vjp_b(g, ans, a, b):
    if ndim(a) == 1:
        return g * a if ndim(b) == 1 else unbroadcast(_col(a) * _row(g), b)
    if ndim(b) == 1:
        return unbroadcast(_uncol(matmul(mT(a), _col(g))), b)
    return unbroadcast(matmul(mT(a), g), b)


matmul = defprim(
    "matmul", np.matmul,
    jvp=(lambda t, ans, a, b: matmul(t, b), lambda t, ans, a, b: matmul(a, t)),
    vjp=(_matmul_vjp_a, _matmul_vjp_b),
    rule="product rule", statement="(A B)' = A' B + A B'",
    samples=lambda: [sample_args("mm", (3, 4), (4, 2)), sample_args("mm1", (4,), (4, 2)),
                     sample_args("mm2", (3, 4), (4,)), sample_args("mm3", (4,), (4,)),
                     sample_args("mm4", (2, 3, 4), (4, 2)),
                     sample_args("mm5", (4,), (2, 4, 3))], save_ans=False)

# ---------------------------------------------------------------------------------------
# einsum. The spec is explicit: ((subscripts of each operand), output subscripts), with
# "..." already replaced by upper-case letters.


def _einsum_impl(*ops, spec):
    ins, out = spec
    return np.einsum(",".join(ins) + "->" + out, *ops, optimize=len(ops) > 2)


def _einsum_jvp(k, t, ans, *ops, spec):
    return einsum_p(*ops[:k], t, *ops[k + 1:], spec=spec)


def _einsum_vjp(k, g, ans, *ops, spec):
    ins, out = spec
    target = ins[k]
    others = [s for j, s in enumerate(ins) if j != k]
    have = set(out).union(*others) if others else set(out)
    letters = list(dict.fromkeys(target))
    present = "".join(c for c in letters if c in have)
    res = einsum_p(g, *(o for j, o in enumerate(ops) if j != k),
                   spec=((out, *others), present))
    # Letters summed only inside operand k are broadcast back (ones); repeated letters
    # (diagonals) are embedded with an identity matrix.
    sizes = dict(zip(target, shape(ops[k])))
    extra_ops, extra_subs, final, seen = [], [], [], set()
    free = iter(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                if c not in target and c not in have)
    for c in target:
        if c in seen:
            fresh = next(free)
            extra_ops.append(np.eye(sizes[c], dtype=dtype(g)))
            extra_subs.append(c + fresh)
            final.append(fresh)
            continue
        seen.add(c)
        final.append(c)
        if c not in have:
            extra_ops.append(np.ones(sizes[c], dtype=dtype(g)))
            extra_subs.append(c)
    final = "".join(final)
    if extra_ops or final != present:
        res = einsum_p(res, *extra_ops, spec=((present, *extra_subs), final))
    want = shape(ops[k])
    if shape(res) != want:
        axes = tuple(i for i, (m, n) in enumerate(zip(shape(res), want)) if m != n)
        res = sum(res, axis=axes, keepdims=True)
    return res


einsum_p = defprim(
    "einsum", _einsum_impl, jvp=PerArg(_einsum_jvp), vjp=PerArg(_einsum_vjp),
    rule="product rule", statement="a sum of products: each factor's derivative in turn",
    samples=lambda: [
        Sample(sample_args("es", (3, 4), (4, 2)).args, {"spec": (("ij", "jk"), "ik")}),
        Sample(sample_args("es1", (3, 3)).args, {"spec": (("ii",), "")}),
        Sample(sample_args("es2", (3, 3)).args, {"spec": (("ii",), "i")}),
        Sample(sample_args("es3", (3, 4)).args, {"spec": (("ij",), "ji")}),
        Sample(sample_args("es4", (2, 3), (3,), (2,)).args,
               {"spec": (("ij", "j", "i"), "")}),
        Sample(sample_args("es5", (2, 3, 4), (4, 3)).args,
               {"spec": (("Aij", "jk"), "Aik")}),
        Sample(sample_args("es6", (2, 3)).args, {"spec": (("ij",), "")}),
        Sample(sample_args("es7", (3,), (4,)).args, {"spec": (("i", "j"), "ij")}),
    ], save_ans=False)

# ---------------------------------------------------------------------------------------
# Inverse, determinants, solve, Cholesky.


def _last2(x):
    nd = ndim(x)
    return (nd - 2, nd - 1)


def _mat(x):
    """Append two unit axes, so a value per matrix broadcasts against the matrix."""
    return reshape(x, shape=shape(x) + (1, 1))


def _spd_samples(name: str):
    def make():
        rng = np.random.default_rng(len(name) * 7919)
        m = rng.uniform(-1, 1, size=(3, 3))
        b = rng.uniform(-1, 1, size=(2, 3, 3))
        return [Sample((m @ m.T + 3 * np.eye(3),)),
                Sample((b @ np.swapaxes(b, -1, -2) + 3 * np.eye(3),))]
    return make


def _square_samples(name: str, negative_det: bool = False):
    def make():
        rng = np.random.default_rng(len(name) * 104729)
        a = rng.uniform(-1, 1, size=(3, 3)) + 3 * np.eye(3)
        out = [Sample((a,)), Sample((rng.uniform(-1, 1, size=(2, 2, 2)) + 2 * np.eye(2),))]
        if negative_det:
            out.append(Sample((a[::-1].copy(),)))
        return out
    return make


inv = defprim(
    "inv", np.linalg.inv,
    jvp=(lambda t, ans, a: -matmul(ans, matmul(t, ans)),),
    vjp=(lambda g, ans, a: -matmul(mT(ans), matmul(g, mT(ans))),),
    rule="inverse rule", statement="(A^-1)' = -A^-1 A' A^-1",
    domain="A invertible", samples=_square_samples("inv"), save_args=False)

det = defprim(
    "det", np.linalg.det,
    jvp=(lambda t, ans, a: ans * sum(mT(inv(a)) * t, axis=_last2(a), keepdims=False),),
    vjp=(lambda g, ans, a: _mat(g * ans) * mT(inv(a)),),
    rule="Jacobi's formula", statement="(det A)' = det A tr(A^-1 A')",
    domain="A invertible (for these rules)", samples=_square_samples("det", True))

def _real_part(v):
    return PRIMS["real"](v) if is_complex(v) else v


logabsdet = defprim(
    "logabsdet", lambda a: np.linalg.slogdet(a)[1],
    jvp=(lambda t, ans, a: _real_part(sum(mT(inv(a)) * t, axis=_last2(a), keepdims=False)),),
    vjp=(lambda g, ans, a: _mat(g) * mT(inv(a)),),  # Re(log det A): holomorphic inside
    rule="Jacobi's formula", statement="(log|det A|)' = Re tr(A^-1 A')",
    domain="A invertible", samples=_square_samples("logabsdet", True), save_ans=False)


# NumPy's solve treats b as a vector only when b.ndim == 1 (x then has shape a.shape[:-1]);
# the rules turn that case into a one-column matrix so that stacks of matrices work.

def _solve_vjp_a(g, ans, a, b):
    if ndim(b) == 1:
        gb = _uncol(solve(mT(a), _col(g)))
        return unbroadcast(-(_col(gb) * _row(ans)), a)
    return unbroadcast(-matmul(solve(mT(a), g), mT(ans)), a)


def _solve_vjp_b(g, ans, a, b):
    if ndim(b) == 1:
        return unbroadcast(_uncol(solve(mT(a), _col(g))), b)
    return unbroadcast(solve(mT(a), g), b)


def _solve_jvp_a(t, ans, a, b):
    if ndim(b) == 1:
        return _uncol(solve(a, -matmul(t, _col(ans))))
    return solve(a, -matmul(t, ans))


solve = defprim(
    "solve", np.linalg.solve,
    jvp=(_solve_jvp_a, lambda t, ans, a, b: solve(a, t)),
    vjp=(_solve_vjp_a, _solve_vjp_b),
    rule="inverse rule", statement="x = A^-1 b:  x' = A^-1 (b' - A' x)", domain="A invertible",
    samples=lambda: [
        Sample((np.array([[3.0, 1.0, 0.2], [0.5, 2.5, 0.3], [0.1, -0.4, 2.0]]),
                np.array([1.0, -2.0, 0.5]))),
        Sample((np.array([[3.0, 1.0], [0.5, 2.5]]), np.array([[1.0, 0.3], [-2.0, 0.7]]))),
        Sample((np.array([[[3.0, 1.0], [0.5, 2.5]], [[2.0, -0.3], [0.4, 1.5]],
                          [[1.5, 0.2], [0.1, 2.2]]]), np.array([1.0, -2.0]))),
    ])


@functools.lru_cache(maxsize=32)
def _tril_masks(n: int, dt) -> tuple:
    """The lower-triangle, strictly-lower and Phi masks, made once per size (read-only)."""
    low = np.tril(np.ones((n, n), dt))
    masks = (low, low - np.eye(n, dtype=dt), low - 0.5 * np.eye(n, dtype=dt))
    for m in masks:
        m.flags.writeable = False
    return masks


def _cholesky_jvp(t, ans, a):
    # NumPy reads only the lower triangle of A: that part, mirrored, is the perturbation.
    low, strict, phi = _tril_masks(shape(a)[-1], dtype(ans))
    t = t * low + mT(t * strict)
    li = inv(ans)  # one inverse and products: cheaper than two solves with n columns each
    return matmul(ans, matmul(li, matmul(t, mT(li))) * phi)


def _cholesky_vjp(g, ans, a):
    low, strict, phi = _tril_masks(shape(a)[-1], dtype(ans))
    p = matmul(mT(ans), g) * phi
    li = inv(ans)
    s = matmul(mT(li), matmul(p, li))  # L^-T P L^-1
    s = 0.5 * (s + mT(s))
    return s * low + s * strict


cholesky = defprim(
    "cholesky", np.linalg.cholesky, jvp=(_cholesky_jvp,), vjp=(_cholesky_vjp,),
    rule="Cholesky rule", statement="L' = L Phi(L^-1 A' L^-T), Phi = lower half",
    domain="A symmetric positive definite (the lower triangle is read)",
    samples=_spd_samples("cholesky"), save_args=False, real_only=True)


# ---------------------------------------------------------------------------------------
# Batching rules (vmap): NumPy's linear algebra maps over leading stack axes already.


def _as_matrix(x, d, col: bool):
    """A batched vector as a one-row (or one-column) matrix, and how to undo it later."""
    if d is None or ndim(x) != 2:
        return x, None
    s = shape(x)
    return reshape(x, shape=s[:1] + ((s[1], 1) if col else (1, s[1]))), -1 if col else -2


def _matmul_batch(args, dims):
    (a, b), (da, db) = args, dims
    b_vector = ndim(b) - (db is not None) == 1
    a, drop_a = _as_matrix(a, da, col=False)
    b, drop_b = _as_matrix(b, db, col=True)
    ranks = [ndim(x) - (d is not None) for x, d in ((a, da), (b, db))
             if d is not None or ndim(x) >= 2]
    a, b = (pad_rank(x, max(ranks)) if d is not None else x for x, d in ((a, da), (b, db)))
    out = matmul(a, b)
    if drop_a is None and drop_b is None:
        return out, 0
    s = list(shape(out))
    if drop_b is not None:  # the column axis given to a vector b
        s.pop()
    if drop_a is not None:  # the row axis given to a vector a
        s.pop(-1 if b_vector else -2)
    return reshape(out, shape=tuple(s)), 0


def _einsum_batch(args, dims, *, spec):
    ins, out = spec
    used = set("".join(ins) + out)
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if c not in used)
    ins = tuple(letter + s if d is not None else s for s, d in zip(ins, dims))
    return einsum_p(*args, spec=(ins, letter + out)), 0


def _solve_batch(args, dims):
    (a, b), (da, db) = args, dims
    vector = ndim(b) - (db is not None) == 1
    if vector and db is not None:
        b = _col(b)
    elif vector:  # one right-hand side for every example: solve them all at once
        return solve(pad_rank(a, 2) if da is not None else a, b), 0
    return _solve_stacked(a, b, da, db, vector)


def _solve_stacked(a, b, da, db, vector: bool):
    stack = max(ndim(a) - (da is not None), ndim(b) - (db is not None)) - 2
    a = pad_rank(a, stack + 2) if da is not None else a
    b = pad_rank(b, stack + 2) if db is not None else b
    if db is None and da is not None and ndim(b) == 2:
        b = reshape(b, shape=(1,) * (ndim(a) - 2) + shape(b))
    out = solve(a, b)
    return (_uncol(out) if vector else out), 0


matmul.batch = _matmul_batch
einsum_p.batch = _einsum_batch
solve.batch = _solve_batch
for _p in (inv, det, logabsdet, cholesky):
    _p.batch = stacked_batch(_p, (2,))
