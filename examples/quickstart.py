"""A first look at chainrule: gradients, Jacobians and a Hessian of NumPy code.

Run with ``python examples/quickstart.py``.
"""

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def show(label, value):
    text = np.array2string(np.asarray(value), precision=4, suppress_small=True)
    print(f"{label:<44} {text}")


def f(x, y):
    return x**2 + 3 * x * y + y**2


def bowl(v):
    return cnp.sum(v**2 * cnp.sin(v)) + v[0] * v[1]


def mlp_loss(params, X, Y):
    W1, b1, W2, b2 = params
    h = cnp.tanh(X @ W1 + b1)
    return -cnp.mean(cnp.sum(Y * cnp.log_softmax(h @ W2 + b2, axis=1), axis=1))


def main():
    print("chainrule", cr.__version__, "- one table of rules, three kinds of derivative\n")
    show("d/dx x**2 at x = 3", cr.grad(lambda x: x**2)(3.0))
    show("d/dx (3x + 2)**2 at x = 1", cr.grad(lambda x: (3 * x + 2) ** 2)(1.0))
    show("grad of x^2 + 3xy + y^2 at (1, 2)", cr.grad(f, argnums=(0, 1))(1.0, 2.0))
    show("d^3/dx^3 x**2 sin(x) at x = 1", cr.derivative(lambda x: x**2 * cnp.sin(x), 3)(1.0))
    s = cnp.sigmoid(0.5)
    show("sigmoid'(0.5) and s(1 - s)", [cr.grad(cnp.sigmoid)(0.5), s * (1 - s)])

    v = np.array([0.5, -1.0, 2.0])
    show("gradient of sum(v^2 sin v) + v0 v1", cr.grad(bowl)(v))
    print("Hessian (forward over reverse):")
    print(np.array2string(cr.hessian(bowl)(v), precision=4, suppress_small=True))
    print("Jacobian of softmax (reverse mode), row sums:",
          np.round(cr.jacrev(cnp.softmax)(v).sum(axis=1), 12))

    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((16, 4)), np.eye(3)[rng.integers(0, 3, 16)]
    params = [rng.standard_normal((4, 8)) * 0.5, np.zeros(8),
              rng.standard_normal((8, 3)) * 0.5, np.zeros(3)]
    loss, grads = cr.value_and_grad(mlp_loss)(params, X, Y)
    show("MLP loss", loss)
    show("MLP gradient norms (W1, b1, W2, b2)", [np.linalg.norm(g) for g in grads])
    check_grads(lambda *p: mlp_loss(list(p), X, Y), params, order=2)
    print("check_grads: forward and reverse mode agree with finite differences (order 2)")


if __name__ == "__main__":
    main()
