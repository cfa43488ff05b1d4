"""Derivative problems of a first calculus course (plus ML losses), with the textbook's answers.

Each problem is ``(formula, variable, order, answer, points)``: the formula as a student
types it, the answer as a textbook prints it (Python syntax, so that its size is counted
the same way as chainrule's printed result: ``sec``, ``csc`` and ``cot`` allowed), and
points inside the domain where both are compared numerically. Used by
tests/symbolic/test_textbook.py and benchmarks/textbook.py.
"""

X = (0.3, 0.55, 0.8)        # inside (0, 1): the domain of nearly everything
GT1 = (1.3, 2.0, 3.5)       # x > 1 (arccosh, log(log(x)), ...)
SMALL = (0.1, 0.2, 0.3)     # |x| small enough for arcsin(2x), arctanh(2x)


def P(f, answer, var="x", order=1, xs=X):  # noqa: N802
    return (f, var, order, answer, xs)


POWER = [
    P("x^5", "5*x**4"), P("x^10", "10*x**9"), P("7x^3", "21*x**2"), P("1/x", "-1/x**2"),
    P("1/x^3", "-3/x**4"), P("sqrt(x)", "1/(2*sqrt(x))"), P("x^(3/2)", "3*sqrt(x)/2"),
    P("x^(2/3)", "2/(3*x**(1/3))"), P("1/sqrt(x)", "-1/(2*x**(3/2))"),
    P("cbrt(x)", "1/(3*x**(2/3))"), P("4x^(1/4)", "x**(-3/4)"), P("x^pi", "pi*x**(pi - 1)"),
    P("5/x^2", "-10/x**3"), P("x^(-5)", "-5/x**6"), P("x sqrt(x)", "3*sqrt(x)/2"),
    P("3x^4 - 2x^2 + x - 7", "12*x**3 - 4*x + 1"), P("x^3 + 3x^2 + 3x + 1", "3*(x + 1)**2"),
    P("(x^2 + 1)/x", "1 - 1/x**2"), P("(x + 1)^2", "2*(x + 1)"),
    P("x^2/2 + x/3 + 1/4", "x + 1/3"), P("2x^5 - x^4/4", "10*x**4 - x**3"),
]

PRODUCT = [
    P("x sin(x)", "sin(x) + x*cos(x)"), P("x^2 cos(x)", "2*x*cos(x) - x**2*sin(x)"),
    P("x exp(x)", "(x + 1)*exp(x)"), P("x^2 exp(x)", "x*(x + 2)*exp(x)"),
    P("x log(x)", "log(x) + 1"), P("x^2 log(x)", "x*(2*log(x) + 1)"),
    P("sin(x) cos(x)", "cos(x)**2 - sin(x)**2"), P("exp(x) sin(x)", "exp(x)*(sin(x) + cos(x))"),
    P("exp(x) cos(x)", "exp(x)*(cos(x) - sin(x))"), P("sqrt(x) log(x)",
                                                     "(log(x) + 2)/(2*sqrt(x))"),
    P("(x^2 + 1)(x^3 - x)", "5*x**4 - 1"), P("x^3 exp(-x)", "x**2*(3 - x)*exp(-x)"),
    P("(2x + 1)(3x - 2)", "12*x - 1"), P("x tan(x)", "tan(x) + x*sec(x)**2"),
    P("x^2 sin(x) ", "2*x*sin(x) + x**2*cos(x)"), P("x arctan(x)", "atan(x) + x/(x**2 + 1)"),
    P("x e^x sin(x)", "exp(x)*(sin(x) + x*sin(x) + x*cos(x))"),
    P("(x + 1) sqrt(x)", "(3*x + 1)/(2*sqrt(x))"), P("x^4 log(x)", "x**3*(4*log(x) + 1)"),
    P("x cos(x)", "cos(x) - x*sin(x)"),
]

QUOTIENT = [
    P("(x - 1)/(x + 1)", "2/(x + 1)**2"), P("(x + 1)/(x - 1)", "-2/(x - 1)**2"),
    P("x/(x + 1)", "1/(x + 1)**2"), P("sin(x)/x", "(x*cos(x) - sin(x))/x**2"),
    P("cos(x)/x", "-(x*sin(x) + cos(x))/x**2"), P("exp(x)/x", "(x - 1)*exp(x)/x**2"),
    P("log(x)/x", "(1 - log(x))/x**2"), P("x/log(x)", "(log(x) - 1)/log(x)**2"),
    P("1/(1 + x^2)", "-2*x/(x**2 + 1)**2"), P("x^2/(x^2 + 1)", "2*x/(x**2 + 1)**2"),
    P("x/(x^2 + 1)", "(1 - x**2)/(x**2 + 1)**2"), P("(2x + 3)/(x - 4)", "-11/(x - 4)**2"),
    P("x/exp(x)", "(1 - x)*exp(-x)"), P("sin(x)/(1 + cos(x))", "1/(cos(x) + 1)"),
    P("cos(x)/(1 + sin(x))", "-1/(sin(x) + 1)"), P("x/sqrt(x^2 + 1)", "1/(x**2 + 1)**(3/2)"),
    P("(x^2 - 1)/(x^2 + 1)", "4*x/(x**2 + 1)**2"), P("1/(x - 2)", "-1/(x - 2)**2"),
    P("(3x - 1)/(2x + 5)", "17/(2*x + 5)**2"), P("x^3/(x - 1)", "x**2*(2*x - 3)/(x - 1)**2"),
    P("exp(x)/(1 + exp(x))", "exp(x)/(exp(x) + 1)**2"),
]

CHAIN = [
    P("sin(2x)", "2*cos(2*x)"), P("cos(x^2)", "-2*x*sin(x**2)"),
    P("(x^2 + 1)^3", "6*x*(x**2 + 1)**2"), P("(3x - 2)^5", "15*(3*x - 2)**4"),
    P("sqrt(1 + x^2)", "x/sqrt(x**2 + 1)"), P("exp(-x^2)", "-2*x*exp(-x**2)"),
    P("exp(sin(x))", "cos(x)*exp(sin(x))"), P("sin(cos(x))", "-sin(x)*cos(cos(x))"),
    P("sin(x)^2", "2*sin(x)*cos(x)"), P("cos(x)^3", "-3*sin(x)*cos(x)**2"),
    P("exp(exp(x))", "exp(x + exp(x))"), P("sqrt(sin(x))", "cos(x)/(2*sqrt(sin(x)))"),
    P("1/(x^2 + 1)^3", "-6*x/(x**2 + 1)**4"), P("sin(x^2)^3", "6*x*sin(x**2)**2*cos(x**2)"),
    P("tan(3x)", "3*sec(3*x)**2"), P("(1 - 2x)^(-1/2)", "1/(1 - 2*x)**(3/2)", xs=SMALL),
    P("sqrt(4 - x^2)", "-x/sqrt(4 - x**2)"), P("(x^2 - 3x)^4", "4*(2*x - 3)*(x**2 - 3*x)**3"),
    P("exp(sqrt(x))", "exp(sqrt(x))/(2*sqrt(x))"), P("cos(3x + 1)", "-3*sin(3*x + 1)"),
    P("(2x + 1)^10", "20*(2*x + 1)**9"), P("sin(sqrt(x))", "cos(sqrt(x))/(2*sqrt(x))"),
    P("cbrt(x^2 + 1)", "2*x/(3*(x**2 + 1)**(2/3))"), P("(x^2 + 1)^3 (2x - 1)^2",
                                                       "2*(2*x - 1)*(x**2 + 1)**2*"
                                                       "(8*x**2 - 3*x + 2)"),
    P("sqrt(x + sqrt(x))", "(2*sqrt(x) + 1)/(4*sqrt(x)*sqrt(x + sqrt(x)))"),
    P("1/sqrt(x^2 + 4)", "-x/(x**2 + 4)**(3/2)"), P("exp(2x) sin(3x)",
                                                    "exp(2*x)*(2*sin(3*x) + 3*cos(3*x))"),
]

TRIG = [
    P("sin(x)", "cos(x)"), P("cos(x)", "-sin(x)"), P("tan(x)", "sec(x)**2"),
    P("sec(x)", "sec(x)*tan(x)"), P("csc(x)", "-csc(x)*cot(x)"), P("cot(x)", "-csc(x)**2"),
    P("sin(3x)", "3*cos(3*x)"), P("tan(x^2)", "2*x*sec(x**2)**2"),
    P("sec(2x)", "2*sec(2*x)*tan(2*x)"), P("tan(x)^2", "2*tan(x)*sec(x)**2"),
    P("sin(x)^2 + cos(x)^2", "0"), P("sin(x)/cos(x)", "sec(x)**2"),
    P("sin(pi x)", "pi*cos(pi*x)"), P("cos(x)^2", "-2*sin(x)*cos(x)"),
    P("sin(x) - x cos(x)", "x*sin(x)"), P("tan(x) - x", "tan(x)**2"),
    P("1/(1 + tan(x))", "-sec(x)**2/(tan(x) + 1)**2"), P("sec(x)^2", "2*sec(x)**2*tan(x)"),
    P("x - sin(x)cos(x)", "2*sin(x)**2"), P("sin(x)^3", "3*sin(x)**2*cos(x)"),
]

INVERSE_TRIG = [
    P("arcsin(x)", "1/sqrt(1 - x**2)"), P("arccos(x)", "-1/sqrt(1 - x**2)"),
    P("arctan(x)", "1/(x**2 + 1)"), P("arcsin(2x)", "2/sqrt(1 - 4*x**2)", xs=SMALL),
    P("arctan(x^2)", "2*x/(x**4 + 1)"), P("arctan(1/x)", "-1/(x**2 + 1)"),
    P("arcsin(x^2)", "2*x/sqrt(1 - x**4)"), P("arctan(2x + 1)", "2/((2*x + 1)**2 + 1)"),
    P("x arcsin(x)", "asin(x) + x/sqrt(1 - x**2)"), P("arctan(sqrt(x))",
                                                      "1/(2*sqrt(x)*(x + 1))"),
    P("arcsin(x/2)", "1/sqrt(4 - x**2)"), P("arctan(exp(x))", "exp(x)/(exp(2*x) + 1)"),
    P("arccos(x^2)", "-2*x/sqrt(1 - x**4)"), P("arctan(x/3)", "3/(x**2 + 9)"),
]

EXP_LOG = [
    P("exp(3x)", "3*exp(3*x)"), P("e^(2x)", "2*exp(2*x)"), P("2^x", "2**x*log(2)"),
    P("10^x", "10**x*log(10)"), P("3^(2x)", "2*3**(2*x)*log(3)"), P("x e^(-x)",
                                                                     "(1 - x)*exp(-x)"),
    P("exp(x)^2", "2*exp(2*x)"), P("exp(x^2 + x)", "(2*x + 1)*exp(x**2 + x)"),
    P("log(x)", "1/x"), P("log(2x)", "1/x"), P("log(x^2)", "2/x"), P("log(x^2 + 1)",
                                                                     "2*x/(x**2 + 1)"),
    P("log(sin(x))", "cot(x)"), P("log(cos(x))", "-tan(x)"), P("log(log(x))",
                                                               "1/(x*log(x))", xs=GT1),
    P("x log(x) - x", "log(x)"), P("log(sqrt(x))", "1/(2*x)"), P("log(x/(x + 1))",
                                                                 "1/(x*(x + 1))"),
    P("log(x + sqrt(x^2 + 1))", "1/sqrt(x**2 + 1)"), P("log(1 + exp(x))",
                                                       "exp(x)/(exp(x) + 1)"),
    P("x^x", "x**x*(log(x) + 1)"), P("x^sin(x)", "x**sin(x)*(cos(x)*log(x) + sin(x)/x)"),
    P("log((x - 1)/(x + 1))", "2/(x**2 - 1)", xs=GT1), P("log(x, 2)", "1/(x*log(2))"),
    P("exp(x)/(exp(x) - 1)", "-exp(x)/(exp(x) - 1)**2"), P("x^2 exp(2x)",
                                                           "2*x*(x + 1)*exp(2*x)"),
    P("log(x)^2", "2*log(x)/x"), P("sqrt(x) exp(x)", "(2*x + 1)*exp(x)/(2*sqrt(x))"),
    P("exp(-x) cos(x)", "-(sin(x) + cos(x))*exp(-x)"), P("log(tan(x))",
                                                         "1/(sin(x)*cos(x))"),
    P("(log(x))^3", "3*log(x)**2/x"), P("log(x)/x^2", "(1 - 2*log(x))/x**3"),
]

HYPERBOLIC = [
    P("sinh(x)", "cosh(x)"), P("cosh(x)", "sinh(x)"), P("tanh(x)", "1 - tanh(x)**2"),
    P("sinh(2x)", "2*cosh(2*x)"), P("cosh(x^2)", "2*x*sinh(x**2)"),
    P("x sinh(x)", "sinh(x) + x*cosh(x)"), P("tanh(2x + 1)", "2*(1 - tanh(2*x + 1)**2)"),
    P("log(cosh(x))", "tanh(x)"), P("arcsinh(x)", "1/sqrt(x**2 + 1)"),
    P("arccosh(x)", "1/sqrt(x**2 - 1)", xs=GT1), P("arctanh(x)", "1/(1 - x**2)"),
    P("sinh(x)^2", "2*sinh(x)*cosh(x)"), P("exp(x) cosh(x)", "exp(x)*(sinh(x) + cosh(x))"),
    P("sqrt(cosh(x))", "sinh(x)/(2*sqrt(cosh(x)))"),
]

HIGHER = [
    P("x^4", "12*x**2", order=2), P("x^5", "60*x**2", order=3), P("sin(x)", "-sin(x)", order=2),
    P("cos(2x)", "-4*cos(2*x)", order=2), P("exp(3x)", "27*exp(3*x)", order=3),
    P("log(x)", "-1/x**2", order=2), P("log(x)", "2/x**3", order=3),
    P("1/x", "2/x**3", order=2), P("sqrt(x)", "-1/(4*x**(3/2))", order=2),
    P("x exp(x)", "(x + 2)*exp(x)", order=2), P("x sin(x)", "2*cos(x) - x*sin(x)", order=2),
    P("tan(x)", "2*sec(x)**2*tan(x)", order=2), P("x^2 log(x)", "2*log(x) + 3", order=2),
    P("exp(-x^2)", "2*(2*x**2 - 1)*exp(-x**2)", order=2),
    P("x^x", "x**x*((log(x) + 1)**2 + 1/x)", order=2),
    P("x^x", "x**x*((log(x) + 1)**3 + 3*(log(x) + 1)/x - 1/x**2)", order=3),
    P("1/(1 + x^2)", "(6*x**2 - 2)/(x**2 + 1)**3", order=2),
    P("arctan(x)", "-2*x/(x**2 + 1)**2", order=2), P("sin(x)", "sin(x)", order=4),
    P("x^3 - 3x^2 + 2", "6*x - 6", order=2),
]

ML = [
    P("sigmoid(z)", "sigmoid(z)*(1 - sigmoid(z))", var="z"),
    P("softplus(z)", "sigmoid(z)", var="z"), P("log(1 + exp(z))", "sigmoid(z)", var="z"),
    P("-y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))", "sigmoid(z) - y", var="z"),
    P("-y log(sigmoid(w x + b)) - (1 - y) log(1 - sigmoid(w x + b))",
      "(sigmoid(w*x + b) - y)*x", var="w"),
    P("-y log(sigmoid(w x + b)) - (1 - y) log(1 - sigmoid(w x + b))",
      "sigmoid(w*x + b) - y", var="b"),
    P("(w x + b - y)^2", "2*x*(w*x + b - y)", var="w"), P("(w x + b - y)^2 / 2",
                                                         "w*x + b - y", var="b"),
    P("tanh(w x)", "x*(1 - tanh(w*x)**2)", var="w"), P("log(sigmoid(z))",
                                                       "1 - sigmoid(z)", var="z"),
    P("log(1 + exp(-z))", "sigmoid(z) - 1", var="z"),
    P("sqrt(z^2 + 1) - 1", "z/sqrt(z**2 + 1)", var="z"),
    P("log(exp(z) + exp(-z))", "tanh(z)", var="z"),
]

PROBLEMS = POWER + PRODUCT + QUOTIENT + CHAIN + TRIG + INVERSE_TRIG + EXP_LOG + HYPERBOLIC + \
    HIGHER + ML
