"""One training step of a 2-layer tanh MLP: loss and gradients, chainrule against peers.

Softmax cross-entropy, batch 256, 784 -> 256 -> 10, float64; gradients with respect to
[W1, b1, W2, b2]. Every implementation is first checked against the hand-written backprop,
then each row is timed in a fresh process (see ``_common.run_child``). "keep" rows time
``r = fn()`` in a loop, as a training loop holds the gradient until the next step;
"discard" rows drop each result at once, which lets glibc hand the freed memory back to
the OS and page it in again on the next call.

Run: python benchmarks/mlp_step.py [--rounds N]   (default 3 rounds)
"""

import os

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

import sys

import _common as bench
import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.compile import jit

N, D, H, C = 256, 784, 256, 10


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    Y = np.eye(C)[rng.integers(0, C, N)]
    params = [rng.standard_normal((D, H)) / np.sqrt(D), np.zeros(H),
              rng.standard_normal((H, C)) / np.sqrt(H), np.zeros(C)]
    return X, Y, params


def numpy_forward(params, X, Y):
    W1, b1, W2, b2 = params
    z = np.tanh(X @ W1 + b1) @ W2 + b2
    m = z.max(axis=1, keepdims=True)
    logp = z - (np.log(np.exp(z - m).sum(axis=1, keepdims=True)) + m)
    return -np.mean(np.sum(Y * logp, axis=1))


def numpy_backprop(params, X, Y):
    """The same loss and its four gradients, by hand."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    z = h @ W2 + b2
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    logp = z - (np.log(s) + m)
    loss = -np.mean(np.sum(Y * logp, axis=1))
    dz = (e / s * Y.sum(axis=1, keepdims=True) - Y) / N
    dh = dz @ W2.T
    da = dh * (1 - h * h)
    return loss, [X.T @ da, da.sum(axis=0), h.T @ dz, dz.sum(axis=0)]


def chainrule_loss(params, X, Y):
    W1, b1, W2, b2 = params
    h = cnp.tanh(X @ W1 + b1)
    return -cnp.mean(cnp.sum(Y * cnp.log_softmax(h @ W2 + b2, axis=1), axis=1))


def autograd_impl(params, X, Y):
    ag = bench.optional_import("autograd")
    if ag is None:
        return None
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    def loss(p):
        h = anp.tanh(X @ p[0] + p[1])
        z = h @ p[2] + p[3]
        return -anp.mean(anp.sum(Y * (z - logsumexp(z, axis=1, keepdims=True)), axis=1))

    vg = ag.value_and_grad(loss)
    return lambda: vg(params)


def jax_impl(params, X, Y, jit):
    jx = bench.import_jax()
    if jx is None:
        return None
    jax, jnp = jx
    Xj, Yj, pj = jnp.asarray(X), jnp.asarray(Y), [jnp.asarray(p) for p in params]

    def loss(p):
        h = jnp.tanh(Xj @ p[0] + p[1])
        logp = jax.nn.log_softmax(h @ p[2] + p[3], axis=1)
        return -jnp.mean(jnp.sum(Yj * logp, axis=1))

    vg = jax.jit(jax.value_and_grad(loss)) if jit else jax.value_and_grad(loss)
    return lambda: jax.block_until_ready(vg(pj))


def torch_impl(params, X, Y):
    torch = bench.import_torch()
    if torch is None:
        return None
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    pt = [torch.from_numpy(p.copy()).requires_grad_() for p in params]

    def step():
        h = torch.tanh(Xt @ pt[0] + pt[1])
        logp = torch.log_softmax(h @ pt[2] + pt[3], dim=1)
        loss = -(Yt * logp).sum(dim=1).mean()
        return loss.detach(), torch.autograd.grad(loss, pt)

    return step


def implementations(params, X, Y):
    """name -> factory; a factory returns the zero-argument function to time, or None
    when its library is not installed. Factories import their peer only when called."""
    vg = cr.value_and_grad(chainrule_loss)
    jvg = jit(cr.value_and_grad(chainrule_loss))
    return {
        "NumPy forward only": lambda: lambda: numpy_forward(params, X, Y),
        "hand-written backprop": lambda: lambda: numpy_backprop(params, X, Y),
        "chainrule": lambda: lambda: vg(params, X, Y),
        "chainrule jit": lambda: lambda: jvg(params, X, Y),
        "autograd": lambda: autograd_impl(params, X, Y),
        "JAX eager": lambda: jax_impl(params, X, Y, jit=False),
        "JAX jit": lambda: jax_impl(params, X, Y, jit=True),
        "PyTorch eager": lambda: torch_impl(params, X, Y)}


def as_numpy(x):
    return np.asarray(x.detach() if hasattr(x, "detach") else x)


def check(name, result, ref):
    if name == "NumPy forward only":
        result = (result, ref[1])
    loss, grads = result
    ok = np.allclose(as_numpy(loss), ref[0], rtol=1e-10, atol=0) and len(grads) == 4 and all(
        np.allclose(as_numpy(g), r, rtol=1e-8, atol=1e-12) for g, r in zip(grads, ref[1]))
    if not ok:
        sys.exit(f"{name}: loss or gradients differ from the hand-written backprop")


def child(name: str, keep: bool) -> None:
    """Time one implementation in this (fresh) process and report it to the parent."""
    X, Y, params = make_data()
    fn = implementations(params, X, Y)[name]()
    check(name, fn(), numpy_backprop(params, X, Y))
    bench.report(bench.measure(fn, keep=keep))


ROWS = [("NumPy forward only", True), ("hand-written backprop", True),
        ("hand-written backprop", False), ("chainrule", True), ("chainrule", False),
        ("chainrule jit", True), ("chainrule jit", False),
        ("autograd", True), ("JAX eager", True), ("JAX jit", True), ("PyTorch eager", True)]


def main() -> None:
    X, Y, params = make_data()
    ref = numpy_backprop(params, X, Y)
    available = []
    for name, factory in implementations(params, X, Y).items():
        fn = factory()
        if fn is None:
            print(f"{name}: not installed, skipped")
            continue
        check(name, fn(), ref)
        available.append(name)
    print(f"{len(available) - 1} implementation(s) agree with the hand-written backprop "
          "(loss and 4 gradients; the forward-only row: loss)\n")

    jobs = {(name, keep): ["--time", name] + ([] if keep else ["--discard"])
            for name, keep in ROWS if name in available}
    runs = bench.run_rounds(__file__, jobs, bench.rounds_arg())
    res = {key: bench.best(reports) for key, reports in runs.items()}
    fwd = res["NumPy forward only", True]["median"]
    hand = res["hand-written backprop", True]["median"]
    rows = [[name, "keep" if keep else "discard", f"{t['median'] * 1e3:.2f}",
             f"{t['min'] * 1e3:.2f}", f"{t['median'] / hand:.3f}", f"{t['median'] / fwd:.2f}",
             f"{t['faults']:.0f}"] for (name, keep), t in res.items()]
    print(f"MLP step, batch {N}, {D}->{H}->{C}, float64; {bench.revision()}; {bench.machine()}")
    bench.print_table(["implementation", "results", "median ms", "min ms", "x backprop",
                       "x forward", "minor faults/call"], rows)
    print(f"\nmedian ms: the lowest of {len(runs[ROWS[0]])} interleaved rounds' medians; "
          "min ms: the minimum over all rounds")
    per_round = [c["median"] / h["median"] for c, h in
                 zip(runs["chainrule", True], runs["hand-written backprop", True])]
    ratio = res["chainrule", True]["median"] / hand
    print(f"chainrule / hand-written backprop (training-loop style) = {ratio:.3f}, per round "
          f"{', '.join(f'{r:.3f}' for r in per_round)} "
          f"(target <= 1.05: {'met' if ratio <= 1.05 else 'NOT met'})")
    per_round = [c["median"] / h["median"] for c, h in
                 zip(runs["chainrule jit", True], runs["hand-written backprop", True])]
    ratio = res["chainrule jit", True]["median"] / hand
    print(f"chainrule jit(value_and_grad) / hand-written backprop = {ratio:.3f}, per round "
          f"{', '.join(f'{r:.3f}' for r in per_round)} "
          f"(target <= 1.05: {'met' if ratio <= 1.05 else 'NOT met'})")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--time":
        child(sys.argv[2], keep="--discard" not in sys.argv)
    else:
        main()
