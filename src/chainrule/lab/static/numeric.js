// Numeric page: the central difference's error against the step h, on log-log axes, with the
// step that chainrule.numeric chooses marked.
import {
  COLORS, PLOT_CONFIG, clearError, fmt, layout, numberFrom, post, showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);

function fact(list, name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  dd.textContent = value;
  list.append(dt, dd);
}

async function submit() {
  const formula = $("m-formula").value.trim();
  clearError($("m-error"));
  let a;
  try {
    const at = numberFrom($("m-at"), "the point x");
    a = await post("/api/numeric", { formula, var: null, at });
  } catch (err) {
    showError($("m-error"), err, formula);
    return;
  }
  const positive = (list) => (list || []).map((e) => (e !== null && e > 0 ? e : null));
  const errs = positive(a.error);
  const forward = positive(a.error_forward);
  const shown = errs.concat(forward).filter((e) => e !== null);
  const lo = shown.length ? Math.min(...shown) : 1e-16;
  const hi = shown.length ? Math.max(...shown) : 1;
  const hover = "h = %{x:.1e}<br>error = %{y:.2e}<extra></extra>";
  const traces = [{ x: a.h, y: errs, mode: "lines+markers", name: "central difference",
    line: { color: COLORS[0], width: 2 }, marker: { size: 5 }, hovertemplate: hover }];
  if (forward.some((e) => e !== null)) {
    traces.push({ x: a.h, y: forward, mode: "lines", name: "forward difference",
      line: { color: COLORS[3], width: 1.5, dash: "dot" }, hovertemplate: hover });
  }
  const best = bestStep(a.h, errs);
  if (best) {
    traces.push({ x: [best.h], y: [best.error], mode: "markers", name: "best plain step",
      marker: { size: 12, color: "#fff", line: { color: COLORS[0], width: 3 } },
      hovertemplate: hover });
  }
  const shapes = [];
  const annotations = [];
  if (a.chosen_h) {
    shapes.push({ type: "line", xref: "x", yref: "paper", x0: a.chosen_h, x1: a.chosen_h,
      y0: 0, y1: 1,
      line: { color: COLORS[1], width: 2, dash: "dash" } });
    annotations.push({ x: Math.log10(a.chosen_h), xref: "x", y: 1, yref: "paper", yanchor: "bottom",
      text: `chainrule's step h = ${fmt(a.chosen_h, 2)}`, showarrow: false,
      font: { color: COLORS[1], size: 12 } });
  }
  const lay = layout({ showlegend: true, margin: { l: 60, r: 16, t: 28, b: 44 }, shapes,
    annotations,
    legend: { orientation: "h", x: 0, y: -0.3, yanchor: "top" },
    xaxis: { type: "log", title: { text: "step h" }, exponentformat: "power", fixedrange: true },
    yaxis: { type: "log", title: { text: "absolute error" }, exponentformat: "power",
      fixedrange: true,
      range: [Math.log10(lo) - 0.5, Math.log10(hi) + 0.5] } });
  await window.Plotly.react($("m-plot"), traces, lay, PLOT_CONFIG);
  const facts = $("m-facts");
  facts.replaceChildren();
  fact(facts, "exact f′(x)", fmt(a.exact, 10));
  fact(facts, "estimate", fmt(a.estimate, 10));
  fact(facts, "actual error", a.exact === null || a.estimate === null ? "—"
    : fmt(Math.abs(a.estimate - a.exact), 2));
  fact(facts, "error estimate", fmt(a.error_estimate, 2));
  fact(facts, "chainrule's step h", fmt(a.chosen_h, 2));
  if (best) fact(facts, "best plain step h", fmt(best.h, 2));
  const note = $("m-message");
  const status = a.status || (a.kink ? "kink" : "ok");
  note.textContent = a.message || status;
  note.classList.toggle("warn", status !== "ok");
}

/** The step where the plain central difference's error is smallest. */
function bestStep(hs, errs) {
  let best = null;
  errs.forEach((e, i) => {
    if (e !== null && (best === null || e < best.error)) best = { h: hs[i], error: e };
  });
  return best;
}

export function start() {
  $("m-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  submit();
}
