// Network page: a small classifier trained live (decision boundary, loss curve) and the backprop
// tableau: one example's forward values and adjoints, node by node.
import {
  ApiError, COLORS, PLOT_CONFIG, clearError, fmt, isAbort, layout, numberFrom, perFrame, post,
  readEvents, remove, showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const CLASS_COLORS = ["#f97316", "#2563eb"];
const BOUNDARY_SCALE = [[0, "#fdba74"], [0.5, "#f8fafc"], [1, "#93c5fd"]];

const state = {
  id: null, playing: null, snapshot: null, classIndex: [[], []], picked: null, generation: 0,
};
const CONTROLS = ["n-dataset", "n-noise", "n-samples", "n-hidden", "n-activation",
  "n-optimizer", "n-lr", "n-l2", "n-seed"];
let rebuildTimer = null;

/** A control changed: a new network with the new settings, as TensorFlow Playground does
 * (after a short pause, so typing a number builds one network, not one per keystroke). */
function rebuildSoon() {
  clearTimeout(rebuildTimer);
  rebuildTimer = setTimeout(newNetwork, 300);
}

/** "8" or "6, 4" -> [8] or [6, 4], with a readable error otherwise. */
function hiddenLayers(text) {
  const parts = text.split(/[,\s]+/).filter((p) => p !== "");
  const units = parts.map(Number);
  if (units.length > 4 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 32)) {
    throw new Error("hidden layers: up to 4 whole numbers from 1 to 32, like 8 or 6, 4");
  }
  return units;
}

function settings() {
  return {
    dataset: $("n-dataset").value,
    n_samples: numberFrom($("n-samples"), "samples"),
    noise: numberFrom($("n-noise"), "noise"),
    hidden: hiddenLayers($("n-hidden").value),
    activation: $("n-activation").value,
    optimizer: $("n-optimizer").value,
    lr: numberFrom($("n-lr"), "the learning rate"),
    l2: numberFrom($("n-l2"), "the L2 penalty"),
    seed: numberFrom($("n-seed"), "the seed"),
  };
}

async function newNetwork() {
  clearTimeout(rebuildTimer);
  const generation = ++state.generation;  // only the latest request's run is kept
  pause();
  clearError($("n-error"));
  let body;
  try {
    body = settings();
  } catch (err) {
    showError($("n-error"), err);
    return;
  }
  if (state.id) remove(`/api/train/${state.id}`);
  state.id = null;
  try {
    const answer = await post("/api/train", body);
    if (generation !== state.generation) {  // settings changed meanwhile: a newer run comes
      remove(`/api/train/${answer.id}`);
      return;
    }
    state.id = answer.id;
    state.picked = null;
    $("n-tableau-out").replaceChildren();
    await render(answer.snapshot, true);
  } catch (err) {
    showError($("n-error"), err);
  }
}

/** The loss history against steps: value i is the loss after step i * lossEvery + 1. */
function lossCurve(history, lossEvery) {
  const k = lossEvery || 1;
  return { x: history.map((_, i) => i * k + 1), y: history };
}

async function render(snap, fresh) {
  state.snapshot = snap;
  $("n-stepno").textContent = String(snap.step);
  $("n-loss").textContent = fmt(snap.loss);
  $("n-acc").textContent = snap.accuracy === null ? "—" : `${(snap.accuracy * 100).toFixed(1)}%`;
  const b = snap.boundary;
  const traces = [
    { type: "heatmap", x: b.x, y: b.y, z: b.z, zmin: 0, zmax: 1, colorscale: BOUNDARY_SCALE,
      showscale: false, hoverinfo: "skip", zsmooth: "best" },
    { type: "contour", x: b.x, y: b.y, z: b.z, showscale: false, hoverinfo: "skip",
      contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" }, showlegend: false,
      line: { color: "#334155", width: 2 }, name: "boundary" },
  ];
  if (fresh) state.classIndex = [[], []];
  const pts = snap.points;
  if (fresh) pts.y.forEach((c, i) => state.classIndex[c].push(i));
  for (const c of [0, 1]) {
    const idx = state.classIndex[c];
    traces.push({ type: "scatter", mode: "markers", name: `class ${c}`,
      x: idx.map((i) => pts.X[i][0]), y: idx.map((i) => pts.X[i][1]), customdata: idx,
      hovertemplate: "example %{customdata}<extra></extra>",
      marker: { size: 7, color: CLASS_COLORS[c], line: { color: "#fff", width: 1 } } });
  }
  const picked = state.picked === null ? [] : [pts.X[state.picked]];
  traces.push({ type: "scatter", mode: "markers", name: "tableau example", hoverinfo: "skip",
    showlegend: false, x: picked.map((p) => p[0]), y: picked.map((p) => p[1]),
    marker: { size: 18, color: "rgba(0,0,0,0)", line: { color: "#111", width: 3 } } });
  const lay = layout({ margin: { l: 36, r: 8, t: 8, b: 30 }, showlegend: true,
    legend: { orientation: "h", x: 0, y: 1, yanchor: "top", bgcolor: "rgba(255,255,255,0.75)" },
    xaxis: { fixedrange: true, range: [b.x[0], b.x[b.x.length - 1]], zeroline: false },
    yaxis: { fixedrange: true, range: [b.y[0], b.y[b.y.length - 1]], zeroline: false },
    uirevision: "boundary" });
  await window.Plotly.react($("n-plot"), traces, lay, PLOT_CONFIG);
  const h = lossCurve(snap.loss_history || [], snap.loss_every);
  const positive = h.y.every((v) => v === null || v > 0);
  const empty = h.y.filter((v) => v !== null).length === 0;
  await window.Plotly.react($("n-loss-plot"), [{ x: h.x, y: h.y, mode: "lines",
    line: { color: COLORS[0], width: 2 }, name: "loss" }], layout({ showlegend: false,
    margin: { l: 52, r: 8, t: 8, b: 36 },
    annotations: empty ? [{ text: "press Play (or Step) to train", showarrow: false, xref: "paper",
      yref: "paper", x: 0.5, y: 0.5, font: { size: 14, color: "#616e7c" } }] : [],
    xaxis: { title: { text: "step", standoff: 2 }, fixedrange: true, zeroline: false,
      visible: !empty },
    yaxis: { title: { text: "training loss", standoff: 2 }, fixedrange: true, visible: !empty,
      type: positive && !empty ? "log" : "linear", exponentformat: "power" } }), PLOT_CONFIG);
}

const renderLatest = perFrame((snap) => render(snap, false));

async function play() {
  if (!state.id) await newNetwork();
  if (!state.id) return;
  const controller = new AbortController();
  state.playing = controller;
  setPlaying(true);
  try {
    const response = await fetch(`/api/train/${state.id}/stream?steps=5000&every=10`,
      { signal: controller.signal });
    await readEvents(response, (event) => {
      if (event.type === "snapshot") renderLatest(event);
      else if (event.type === "error") showError($("n-error"), new Error(event.error));
    });
  } catch (err) {
    if (!isAbort(err)) showError($("n-error"), err);
  } finally {
    if (state.playing === controller) {
      state.playing = null;
      setPlaying(false);
    }
  }
}

function pause() {
  if (state.playing) state.playing.abort();
  state.playing = null;
  setPlaying(false);
}

function setPlaying(on) {
  const button = $("n-play");
  button.textContent = on ? "Pause" : "Play";
  button.setAttribute("aria-pressed", on ? "true" : "false");
  $("n-step").disabled = on;
}

async function step() {
  if (!state.id) return;
  clearError($("n-error"));
  try {
    await render(await postToRun("step", { steps: 1 }), false);
  } catch (err) {
    showError($("n-error"), err);
  }
}

/** Small cells, coloured by sign and size (blue positive, orange negative), in rows as long as
 * the node's last dimension, at most four (so a value and its adjoint line up). */
function cells(values, shape) {
  const box = document.createElement("div");
  box.className = "cells";
  if (values === null || values === undefined) {
    box.textContent = "—";
    return box;
  }
  const scale = maxAbs(values);
  const last = shape && shape.length ? shape[shape.length - 1] : values.length;
  box.style.gridTemplateColumns = `repeat(${Math.max(1, Math.min(last, 4))}, max-content)`;
  for (const v of values) {
    const span = document.createElement("span");
    span.className = "cell";
    span.textContent = cellText(v);
    span.title = String(v);
    const t = v === null || scale === 0 ? 0 : Math.min(1, Math.abs(v) / scale);
    const rgb = v >= 0 ? "37, 99, 235" : "249, 115, 22";
    span.style.background = `rgba(${rgb}, ${0.08 + 0.42 * t})`;
    box.append(span);
  }
  return box;
}

/** A short number for a cell: 3 significant digits, or 2 in e-notation (-8.9e-9). */
function cellText(v) {
  if (v === null) return "—";
  const a = Math.abs(v);
  if (v === 0 || (a >= 1e-3 && a < 1e4)) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace("e+", "e");
}

function maxAbs(values) {
  return (values || []).reduce((m, v) => (v === null ? m : Math.max(m, Math.abs(v))), 0);
}

function valueRow(tag, values, shape, cls) {
  const row = document.createElement("div");
  row.className = `vrow ${cls}`;
  const label = document.createElement("span");
  label.className = "vtag";
  label.textContent = tag;
  row.append(label, cells(values, shape));
  return row;
}

function nodeCard(n, byId) {
  const card = document.createElement("div");
  card.className = "node";
  card.dataset.id = String(n.id);
  const label = document.createElement("div");
  label.className = "node-label";
  label.textContent = n.label;
  const meta = document.createElement("span");
  meta.className = "node-meta";
  const from = (n.inputs || []).map((i) => (byId.get(i) ? byId.get(i).label.split(" ")[0] : i));
  const shape = n.shape && n.shape.length ? ` · ${n.shape.join("×")}` : "";
  meta.textContent = `${n.op}${shape}${from.length ? ` · from ${from.join(", ")}` : ""}`;
  label.append(meta);
  const vals = document.createElement("div");
  vals.className = "node-vals";
  vals.append(valueRow("value", n.value, n.shape, "forward"),
    valueRow("∂L/∂", n.adjoint, n.shape, "adjoint"));
  card.append(label, vals);
  card.addEventListener("pointerenter", () => linkInputs(n, true));
  card.addEventListener("pointerleave", () => linkInputs(n, false));
  return card;
}

/**
 * The tableau: the chain from the example to the loss (values computed downwards, adjoints
 * upwards), then the parameters, whose adjoints are the gradients the optimizer uses.
 */
function renderTableau(t) {
  const out = $("n-tableau-out");
  const summary = document.createElement("div");
  summary.className = "tableau-summary";
  const [x1, x2] = t.example.x;
  summary.textContent = `Example (${fmt(x1, 3)}, ${fmt(x2, 3)}), label y = ${t.example.y}, `
    + `loss L = ${fmt(t.loss, 4)}. Read down for the forward pass (value). The adjoints ∂L/∂node `
    + "come back up: each is the sum, over the nodes that use it, of their adjoint times the "
    + "local derivative. That is the chain rule.";
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const chain = document.createElement("div");
  chain.className = "chain";
  const params = t.nodes.filter((n) => n.op === "parameter");
  t.nodes.filter((n) => n.op !== "parameter").forEach((n, i) => {
    if (i > 0) {
      const arrow = document.createElement("div");
      arrow.className = "flow-note";
      arrow.textContent = "value ↓   ↑ adjoint";
      chain.append(arrow);
    }
    chain.append(nodeCard(n, byId));
  });
  const details = document.createElement("details");
  details.className = "params";
  const head = document.createElement("summary");
  head.textContent = `Parameters (${params.map((n) => n.label).join(", ")}): `
    + "their adjoints are the gradient";
  details.append(head, ...params.map((n) => nodeCard(n, byId)));
  out.replaceChildren(summary, chain, details);
}

function linkInputs(node, on) {
  for (const id of node.inputs || []) {
    const row = document.querySelector(`#n-tableau-out .node[data-id="${id}"]`);
    if (row) row.classList.toggle("linked", on);
  }
}

/** POST to a run, pausing training first; a run still busy closing its stream answers 409,
 * so that is retried a few times. */
async function postToRun(path, body) {
  pause();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await post(`/api/train/${state.id}/${path}`, body);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409) || attempt >= 8) throw err;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

async function tableau() {
  if (!state.id) return;
  clearError($("n-error"));
  try {
    const index = numberFrom($("n-index"), "the example number");
    const t = await postToRun("tableau", { index });
    state.picked = index;
    renderTableau(t);
    if (state.snapshot) await render(state.snapshot, false);
  } catch (err) {
    showError($("n-error"), err);
  }
}

export function start() {
  $("n-form").addEventListener("submit", (event) => {
    event.preventDefault();
    newNetwork();
  });
  $("n-play").addEventListener("click", () => (state.playing ? pause() : play()));
  $("n-step").addEventListener("click", step);
  $("n-tableau").addEventListener("click", tableau);
  for (const id of CONTROLS) $(id).addEventListener("change", rebuildSoon);
  newNetwork().then(() => {
    $("n-plot").on("plotly_click", (data) => {
      const p = data.points && data.points[0];
      if (!p || p.customdata === undefined) return;
      $("n-index").value = String(p.customdata);
      tableau();
    });
  });
}
