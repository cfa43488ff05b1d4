// Derivative page: typeset derivative, steps tree, f and f' with a draggable tangent point,
// Taylor polynomials; two-variable formulas get gradient, Hessian and critical points.
import {
  COLORS, PLOT_CONFIG, clearError, dataCoords, fmt, latestOnly, layout, perFrame, post,
  robustRange, setMath, showError,
} from "./common.js";

const XMIN = -5;
const XMAX = 5;
const PRIMES = ["", "′", "″", "‴"];
const $ = (id) => document.getElementById(id);

const state = { formula: "", variable: "x", curve: null, at: 1, plotted: false };

const sup = (n) => String(n).split("").map((d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]).join("");

/** f′, f″, f‴, then f⁽ⁿ⁾; with several variables ∂f/∂x, ∂²f/∂x². */
function derivName(order, v, partial) {
  if (partial) {
    return order === 1 ? `∂f/∂${v} =` : `∂${sup(order)}f/∂${v}${sup(order)} =`;
  }
  const mark = order < 4 ? PRIMES[order] : `⁽${sup(order)}⁾`;
  return `f${mark}(${v}) =`;
}

/** Offer the formula's variables to differentiate by (only when there are several). */
function offerVariables(names, chosen) {
  const select = $("d-var");
  const several = names.length > 1;
  select.hidden = !several;
  $("d-var-label").hidden = !several;
  if (!several) return;
  select.replaceChildren(...names.map((n) => new Option(`∂/∂${n}`, n)));
  select.value = chosen;
}

/** One step as a <details>: the rule, the equation, the statement and the spot check. */
function stepNode(step, depth) {
  const details = document.createElement("details");
  details.className = "step";
  details.open = depth < 2;
  const summary = document.createElement("summary");
  const rule = document.createElement("span");
  rule.className = "rule";
  rule.textContent = step.rule;
  const check = document.createElement("span");
  const ok = step.check && step.check.ok;
  check.className = ok ? "check ok" : "check bad";
  check.textContent = ok ? "✓ checked" : "✗ check failed";
  check.title = step.check ? step.check.detail : "";
  const eq = document.createElement("span");
  eq.className = "step-math";
  setMath(eq, step.mathml, step.text);
  summary.append(rule, eq, check);
  details.append(summary);
  const body = document.createElement("div");
  body.className = "step-body";
  if (step.statement) {
    const st = document.createElement("p");
    st.className = "statement";
    st.textContent = step.statement;
    body.append(st);
  }
  if (step.check && step.check.detail) {
    const detail = document.createElement("p");
    detail.className = "check-detail";
    detail.textContent = `spot check: ${step.check.detail}`;
    body.append(detail);
  }
  for (const line of step.intro || []) body.append(stepLine(line));
  for (const child of step.children || []) body.append(stepNode(child, depth + 1));
  for (const line of step.after || []) body.append(stepLine(line));
  if (step.truncated) {
    const more = document.createElement("p");
    more.className = "check-detail";
    more.textContent = "… more steps than can be shown here";
    body.append(more);
  }
  details.append(body);
  return details;
}

/** A line said before or after a step's parts ("where u = …", "so …"). */
function stepLine(line) {
  const p = document.createElement("p");
  p.className = "step-line";
  const label = document.createElement("span");
  label.className = "step-line-label";
  label.textContent = line.label;
  const math = document.createElement("span");
  math.className = "step-math";
  setMath(math, line.mathml, line.text);
  p.append(label, math);
  return p;
}

function renderSteps(box, steps) {
  box.replaceChildren(...steps.map((s) => stepNode(s, 0)));
}

async function submit() {
  const formula = $("d-formula").value.trim();
  const order = Number($("d-order").value);
  const box = $("d-error");
  clearError(box);
  if (!formula) {
    showError(box, new Error("type a formula, for example x**2*sin(x)"));
    return;
  }
  const wanted = $("d-var").hidden ? "x" : $("d-var").value || "x";
  try {
    // Ask for a derivative by a named variable: the answer names the formula's variables, so a
    // formula in t, or in x and y, is recognised without a failed request.
    let answer = await post("/api/diff", { formula, var: wanted, order });
    const names = answer.variables;
    if (names.length > 0 && !names.includes(answer.var)) {
      const v = names.includes("x") ? "x" : names[0];
      answer = await post("/api/diff", { formula, var: v, order });
    }
    offerVariables(names, answer.var);
    markStale(false);
    if (names.length === 2) {
      await showTwo(formula, names, answer.var);
    } else {
      await showOne(answer, formula, names.length > 2);
    }
  } catch (err) {
    showError(box, err, formula);
    markStale(true);
  }
}

/** Results of an earlier formula fade while an error is shown. */
function markStale(stale) {
  for (const el of document.querySelectorAll("#page-derivative .results")) {
    el.classList.toggle("stale", stale);
  }
}

async function showOne(answer, formula, partial) {
  $("d-two").hidden = true;
  $("d-one").hidden = false;
  $("d-graph-card").hidden = partial;
  state.formula = formula;
  state.variable = answer.var;
  $("d-lhs").textContent = derivName(answer.order, answer.var, partial);
  const names = answer.variables.length ? answer.variables : [answer.var];
  $("d-f-lhs").textContent = `f(${names.join(", ")}) =`;
  setMath($("d-result"), answer.mathml, answer.derivative);
  setMath($("d-formula-math"), answer.formula_mathml, answer.formula);
  let steps = answer.steps;
  if (answer.order > 1) {
    steps = (await post("/api/diff", { formula, var: answer.var, order: 1 })).steps;
    $("d-steps-note").textContent = "Steps for the first derivative; higher orders repeat them.";
  } else {
    $("d-steps-note").textContent = "Each step names its rule; the check compares it with a "
      + "numerical derivative at a sample point.";
  }
  renderSteps($("d-steps"), steps);
  if (!partial) await plotCurve();
}

async function plotCurve() {
  const v = state.variable;
  const curve = await post("/api/plot1d", { formula: state.formula, var: v, xmin: XMIN, xmax: XMAX,
    n: 400 });
  state.curve = curve;
  const yr = robustRange(curve.f, curve.df);
  const traces = [
    { x: curve.x, y: curve.f, name: `f(${v})`, mode: "lines",
      line: { color: COLORS[0], width: 3 } },
    { x: curve.x, y: curve.df, name: `f′(${v})`, mode: "lines",
      line: { color: COLORS[3], width: 2, dash: "dash" } },
    { x: [], y: [], name: "tangent", mode: "lines", line: { color: COLORS[1], width: 2 } },
    { x: [], y: [], name: "Taylor", mode: "lines",
      line: { color: COLORS[2], width: 2, dash: "dot" },
      visible: $("d-taylor-on").checked },
    { x: [], y: [], name: "point", mode: "markers", showlegend: false, hoverinfo: "skip",
      marker: { color: COLORS[1], size: 14, line: { color: "#fff", width: 2 } } },
  ];
  const lay = layout({ xaxis: { ...layout().xaxis, range: [XMIN, XMAX], fixedrange: true,
    title: { text: v, standoff: 4 } },
  yaxis: { ...layout().yaxis, range: yr, fixedrange: true } });
  await window.Plotly.react($("d-plot"), traces, lay, PLOT_CONFIG);
  state.plotted = true;
  moveTo(state.at);
}

/** The value of a sampled series at x, by linear interpolation (null near gaps). */
function sampleAt(xs, ys, x) {
  const step = (xs[xs.length - 1] - xs[0]) / (xs.length - 1);
  const i = Math.max(0, Math.min(xs.length - 2, Math.floor((x - xs[0]) / step)));
  const a = ys[i];
  const b = ys[i + 1];
  if (a === null || b === null) return null;
  const t = (x - xs[i]) / step;
  return a + t * (b - a);
}

/** Draw the tangent at x from the sampled curve at once; the exact one follows from the API. */
const drawTangent = perFrame((x0, y0, slope) => {
  const gd = $("d-plot");
  if (y0 === null || slope === null) {
    window.Plotly.restyle(gd, { x: [[], []], y: [[], []] }, [2, 4]);
    return;
  }
  const xs = [XMIN, XMAX];
  const ys = xs.map((x) => y0 + slope * (x - x0));
  window.Plotly.restyle(gd, { x: [xs, [x0]], y: [ys, [y0]] }, [2, 4]);
});

function moveTo(x) {
  if (!state.curve) return;
  const at = Math.max(XMIN, Math.min(XMAX, Math.round(x * 100) / 100));
  state.at = at;
  $("d-at").value = String(at);
  $("d-at-value").textContent = at.toFixed(2);
  const y0 = sampleAt(state.curve.x, state.curve.f, at);
  const slope = sampleAt(state.curve.x, state.curve.df, at);
  drawTangent(at, y0, slope);
  if (y0 === null || slope === null) {
    // outside the domain of f or f′: nothing to ask the server
    $("d-slope").textContent = "—";
    $("d-tangent-math").textContent = `f or f′ is not defined at ${state.variable} = ${at}`;
    $("d-tangent-note").textContent = "";
    return;
  }
  exactTangent(state.formula, at);
}

const exactTangent = latestOnly(async (formula, at) => {
  try {
    const t = await post("/api/tangent", { formula, var: state.variable, at });
    if (formula !== state.formula || at !== state.at) return;
    $("d-slope").textContent = fmt(t.slope, 5);
    setMath($("d-tangent-math"), t.mathml, t.text);
    $("d-tangent-note").textContent = t.note || "";
    drawTangent(t.x0, t.y0, t.slope);
    if ($("d-taylor-on").checked) await taylor(formula, at);
  } catch (err) {
    $("d-slope").textContent = "—";
    $("d-tangent-math").textContent = err.message;
  }
});

async function taylor(formula, at) {
  const order = Number($("d-taylor-order").value);
  const t = await post("/api/taylor", { formula, var: state.variable, at, order, xmin: XMIN,
    xmax: XMAX, n: 300 });
  if (formula !== state.formula) return;
  window.Plotly.restyle($("d-plot"), { x: [t.x], y: [t.y], visible: true,
    name: `Taylor, order ${order}` }, [3]);
  setMath($("d-taylor-math"), t.mathml, t.text);
}

async function toggleTaylor() {
  const on = $("d-taylor-on").checked;
  if (!state.plotted) return;
  if (!on) {
    window.Plotly.restyle($("d-plot"), { visible: false }, [3]);
    $("d-taylor-math").replaceChildren();
    return;
  }
  try {
    await taylor(state.formula, state.at);
  } catch (err) {
    $("d-taylor-math").textContent = err.message;
  }
}

/** Pointer drags on the plot move the tangent point (anywhere inside the axes). */
function wireDrag(gd) {
  let dragging = false;
  gd.addEventListener("pointerdown", (event) => {
    const p = dataCoords(gd, event);
    if (!p || !state.curve) return;
    dragging = true;
    gd.setPointerCapture(event.pointerId);
    moveTo(p.x);
    event.preventDefault();
    event.stopPropagation();
  }, true);
  gd.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    const p = dataCoords(gd, event);
    if (p) moveTo(p.x);
  }, true);
  const end = () => {
    dragging = false;
  };
  gd.addEventListener("pointerup", end, true);
  gd.addEventListener("pointercancel", end, true);
}

async function showTwo(formula, names, by) {
  const a = await post("/api/analyze2d", { formula, vars: names, xmin: -3, xmax: 3, ymin: -3,
    ymax: 3, n: 80 });
  $("d-one").hidden = true;
  $("d-two").hidden = false;
  state.formula = formula;
  setMath($("d2-grad"), a.gradient_mathml, `(${a.gradient.join(", ")})`);
  setMath($("d2-hess"), a.hessian_mathml, JSON.stringify(a.hessian));
  const rows = a.critical_points.map((c) => {
    const tr = document.createElement("tr");
    for (const text of [`(${fmt(c.point[0])}, ${fmt(c.point[1])})`, c.kind, fmt(c.value)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    tr.children[1].className = `kind kind-${c.kind}`;
    return tr;
  });
  $("d2-crit").tBodies[0].replaceChildren(...rows);
  $("d2-complete").textContent = (a.complete
    ? "These are all the critical points."
    : "The search may have missed some critical points (it is not known to be complete).")
    + (a.note ? ` ${a.note}` : "");
  await plotContour(a);
  $("d2-steps-title").textContent = `Steps for ∂f/∂${by}`;
  try {
    const d = await post("/api/diff", { formula, var: by, order: 1 });
    renderSteps($("d2-steps"), d.steps);
  } catch (err) {
    $("d2-steps").textContent = err.message;
  }
}

const KIND_SYMBOL = {
  minimum: "circle", maximum: "triangle-up", saddle: "x", degenerate: "diamond",
};

async function plotContour(a) {
  const c = a.contour;
  const [vx, vy] = a.vars;
  const inside = a.critical_points.filter((p) => p.point[0] >= c.x[0]
    && p.point[0] <= c.x[c.x.length - 1] && p.point[1] >= c.y[0]
    && p.point[1] <= c.y[c.y.length - 1]);
  const traces = [
    { type: "contour", x: c.x, y: c.y, z: c.z, colorscale: "Viridis", ncontours: 24,
      contours: { coloring: "heatmap" }, line: { width: 0.5, color: "rgba(255,255,255,0.5)" },
      colorbar: { thickness: 10, len: 0.9 }, showlegend: false, hoverinfo: "x+y+z" },
    { x: inside.map((p) => p.point[0]), y: inside.map((p) => p.point[1]), mode: "markers+text",
      type: "scatter", name: "critical points", text: inside.map((p) => p.kind),
      textposition: "top center", textfont: { color: "#fff" },
      marker: { size: 12, color: "#fff", symbol: inside.map((p) => KIND_SYMBOL[p.kind] || "circle"),
        line: { color: "#111", width: 2 } } },
  ];
  const lay = layout({ showlegend: false, margin: { l: 44, r: 8, t: 8, b: 40 },
    xaxis: { title: { text: vx, standoff: 4 }, fixedrange: true },
    yaxis: { title: { text: vy, standoff: 4 }, fixedrange: true, scaleanchor: "x" } });
  await window.Plotly.react($("d2-plot"), traces, lay, PLOT_CONFIG);
}

export function start() {
  $("d-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("d-order").addEventListener("change", submit);
  $("d-var").addEventListener("change", submit);
  for (const chip of document.querySelectorAll("#page-derivative .chip")) {
    chip.addEventListener("click", () => {
      $("d-formula").value = chip.dataset.formula;
      submit();
    });
  }
  $("d-at").addEventListener("input", () => moveTo(Number($("d-at").value)));
  $("d-taylor-on").addEventListener("change", toggleTaylor);
  $("d-taylor-order").addEventListener("change", toggleTaylor);
  wireDrag($("d-plot"));
  submit();
}
