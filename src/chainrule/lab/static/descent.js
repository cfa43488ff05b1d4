// Descent page: optimizers race over the contours of a two-variable function, streamed live.
import {
  COLORS, PLOT_CONFIG, clearError, dataCoords, fmt, get, isAbort, layout, numberFrom,
  post, readEvents, showError,
} from "./common.js";

const $ = (id) => document.getElementById(id);

const OPTIMIZERS = [
  { name: "gd", label: "gradient descent", lr: 0.05, on: true },
  { name: "momentum", label: "momentum", lr: 0.02, momentum: 0.9, on: true },
  { name: "nesterov", label: "Nesterov", lr: 0.02, momentum: 0.9, on: false },
  { name: "rmsprop", label: "RMSprop", lr: 0.05, on: false },
  { name: "adam", label: "Adam", lr: 0.1, on: true },
  { name: "newton", label: "Newton", lr: 1, on: false },
];
const SCHEDULES = ["constant", "exponential", "cosine", "step"];
const RACE_MS = 2500; // how long the paths take to draw, however many steps

const state = {
  presets: [], formula: "", xrange: [-3, 3], yrange: [-3, 3], start: [2, 2],
  racing: null, animation: null, runs: [],
};

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

function optimizerRow(opt, i) {
  const tr = document.createElement("tr");
  const on = document.createElement("input");
  on.type = "checkbox";
  on.checked = opt.on;
  on.id = `g-on-${opt.name}`;
  const label = document.createElement("label");
  label.htmlFor = on.id;
  label.className = "opt-name";
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.style.background = COLORS[i];
  label.append(swatch, opt.label);
  const lr = document.createElement("input");
  lr.type = "number";
  lr.step = "any";
  lr.min = "0";
  lr.value = String(opt.lr);
  lr.setAttribute("aria-label", `${opt.label} learning rate`);
  const mom = document.createElement("input");
  mom.type = "number";
  mom.step = "any";
  mom.min = "0";
  mom.max = "1";
  mom.value = opt.momentum === undefined ? "" : String(opt.momentum);
  mom.disabled = opt.momentum === undefined;
  mom.setAttribute("aria-label", `${opt.label} momentum`);
  const sched = document.createElement("select");
  sched.setAttribute("aria-label", `${opt.label} schedule`);
  for (const s of SCHEDULES) sched.append(new Option(s, s));
  tr.append(cell(on), cell(label), cell(lr), cell(mom), cell(sched));
  tr.dataset.name = opt.name;
  return tr;
}

/** The optimizers ticked in the table, as the API wants them (with their table index). */
function chosenOptimizers() {
  const chosen = [];
  for (const [i, tr] of [...$("g-opts").tBodies[0].rows].entries()) {
    const [on, lr, mom, sched] = tr.querySelectorAll("input, select");
    if (!on.checked) continue;
    const name = tr.dataset.name;
    chosen.push({
      color: i,
      spec: {
        name,
        lr: numberFrom(lr, `the learning rate of ${name}`),
        momentum: mom.disabled ? null : numberFrom(mom, `the momentum of ${name}`),
        schedule: sched.value,
      },
    });
  }
  return chosen;
}

async function draw() {
  const formula = $("g-formula").value.trim();
  clearError($("g-error"));
  stopRace();
  let a;
  try {
    a = await post("/api/analyze2d", { formula, vars: null, xmin: state.xrange[0],
      xmax: state.xrange[1], ymin: state.yrange[0], ymax: state.yrange[1], n: 90 });
  } catch (err) {
    showError($("g-error"), err, formula);
    return;
  }
  state.formula = formula;
  state.vars = a.vars;
  const c = a.contour;
  const finite = c.z.flat().filter((v) => v !== null);
  const lo = Math.min(...finite);
  const traces = [
    { type: "contour", x: c.x, y: c.y, z: c.z.map((r) => r.map((v) => (v === null ? null
      : Math.log10(1 + v - lo)))), colorscale: "YlGnBu", reversescale: true, ncontours: 28,
    showscale: false, contours: { coloring: "heatmap" }, hoverinfo: "skip",
    line: { width: 0.6, color: "rgba(255,255,255,0.55)" }, name: "f" },
    { x: [state.start[0]], y: [state.start[1]], mode: "markers", name: "start", showlegend: false,
      marker: { size: 13, color: "#fff", symbol: "circle", line: { color: "#111", width: 2.5 } },
      hoverinfo: "skip" },
  ];
  const lay = layout({ showlegend: true, margin: { l: 40, r: 8, t: 8, b: 36 },
    legend: { orientation: "h", x: 0, y: -0.1, yanchor: "top" },
    xaxis: { range: state.xrange, fixedrange: true, title: { text: a.vars[0], standoff: 2 } },
    yaxis: { range: state.yrange, fixedrange: true, title: { text: a.vars[1], standoff: 2 } } });
  await window.Plotly.react($("g-plot"), traces, lay, PLOT_CONFIG);
  await window.Plotly.react($("g-loss"), [], lossLayout(true), PLOT_CONFIG);
  $("g-messages").replaceChildren();
  showStart();
}

function lossLayout(logy) {
  return layout({ margin: { l: 52, r: 8, t: 8, b: 36 }, showlegend: false,
    xaxis: { title: { text: "step", standoff: 2 }, fixedrange: true, zeroline: false },
    yaxis: { title: { text: "loss", standoff: 2 }, type: logy ? "log" : "linear",
      fixedrange: true, exponentformat: "power", automargin: true } });
}

function showStart() {
  $("g-start").textContent = `(now (${fmt(state.start[0], 3)}, ${fmt(state.start[1], 3)}))`;
}

function setStart(x, y) {
  stopRace();
  state.start = [x, y];
  const gd = $("g-plot");
  const keep = gd.data.length;
  window.Plotly.restyle(gd, { x: [[x]], y: [[y]] }, [1]);
  if (keep > 2) window.Plotly.deleteTraces(gd, [...Array(keep - 2).keys()].map((k) => k + 2));
  window.Plotly.react($("g-loss"), [], lossLayout(true), PLOT_CONFIG);
  $("g-messages").replaceChildren();
  showStart();
}

/** Draw the revealed part of each path and loss curve. */
function drawRace(gd) {
  const idx = state.runs.map((_, k) => k + 2);
  window.Plotly.restyle(gd, { x: state.runs.map((r) => r.px.slice(0, r.shown + 1)),
    y: state.runs.map((r) => r.py.slice(0, r.shown + 1)) }, idx);
  const loss = $("g-loss");
  window.Plotly.restyle(loss, { x: state.runs.map((r) => r.steps.slice(0, r.shown)),
    y: state.runs.map((r) => r.loss.slice(0, r.shown)) });
  const seen = state.runs.flatMap((r) => r.loss.slice(0, r.shown)).filter((v) => v !== null);
  const logy = seen.every((v) => v > 0);
  if ((loss._fullLayout.yaxis.type === "log") !== logy) {
    window.Plotly.relayout(loss, { "yaxis.type": logy ? "log" : "linear" });
  }
}

/**
 * The race on screen: each frame reveals the steps due by then (the whole race takes
 * RACE_MS), and the summaries appear when the paths have arrived.
 */
function animate(race) {
  if (state.animation !== race) return;
  let behind = false;
  const due = Math.ceil(((performance.now() - race.began) / RACE_MS) * race.steps);
  for (const r of state.runs) {
    r.shown = Math.min(r.steps.length, Math.max(r.shown + 1, due));
    behind = behind || r.shown < r.steps.length;
  }
  drawRace($("g-plot"));
  if (behind || !race.done) {
    requestAnimationFrame(() => animate(race));
    return;
  }
  state.animation = null;
  for (const event of race.summaries) showSummary(event);
  $("g-run").disabled = false;
}

function showSummary(event) {
  const run = state.runs[event.optimizer];
  const li = document.createElement("li");
  li.style.borderLeftColor = run.color;
  const name = document.createElement("strong");
  name.textContent = run.label;
  const final = event.final ? `(${fmt(event.final[0])}, ${fmt(event.final[1])})` : "—";
  const text = [`ends at ${final}, loss ${fmt(event.loss)}.`, ...(event.messages || [])];
  li.append(name, text.join(" "));
  $("g-messages").append(li);
}

/** Is v within a few widths of the range? (Diverging points far away are not drawn.) */
function near(v, range) {
  const span = range[1] - range[0];
  return v !== null && Number.isFinite(v) && v > range[0] - 3 * span && v < range[1] + 3 * span;
}

function onEvent(race, event) {
  if (event.type === "progress") {
    const run = state.runs[event.optimizer];
    for (const [k, p] of event.points.entries()) {
      const shown = p && near(p[0], state.xrange) && near(p[1], state.yrange);
      run.px.push(shown ? p[0] : null);
      run.py.push(shown ? p[1] : null);
      run.steps.push(event.steps[k]);
      run.loss.push(event.loss[k]);
    }
  } else if (event.type === "summary") {
    race.summaries.push(event);
  } else if (event.type === "error") {
    showError($("g-error"), new Error(event.error));
  }
}

async function race() {
  clearError($("g-error"));
  let chosen;
  let steps;
  try {
    chosen = chosenOptimizers();
    steps = numberFrom($("g-steps"), "the number of steps");
    if (chosen.length === 0) throw new Error("tick at least one optimizer to race");
  } catch (err) {
    showError($("g-error"), err);
    return;
  }
  setStart(state.start[0], state.start[1]);
  state.runs = chosen.map((c) => ({ label: OPTIMIZERS[c.color].label, color: COLORS[c.color],
    px: [state.start[0]], py: [state.start[1]], steps: [], loss: [], shown: 0 }));
  await window.Plotly.addTraces($("g-plot"), state.runs.map((r) => ({ x: [], y: [],
    mode: "lines+markers", name: r.label, line: { color: r.color, width: 2.5 },
    marker: { size: 4, color: r.color }, hoverinfo: "skip" })));
  await window.Plotly.react($("g-loss"), state.runs.map((r) => ({ x: [], y: [], mode: "lines",
    name: r.label, line: { color: r.color, width: 2 } })), lossLayout(true), PLOT_CONFIG);
  const controller = new AbortController();
  const race = { steps, began: performance.now(), done: false, summaries: [] };
  state.racing = controller;
  state.animation = race;
  $("g-run").disabled = true;
  requestAnimationFrame(() => animate(race));
  try {
    const response = await fetch("/api/descent", {
      method: "POST", headers: { "Content-Type": "application/json" }, signal: controller.signal,
      body: JSON.stringify({ formula: state.formula, vars: state.vars, start: state.start, steps,
        optimizers: chosen.map((c) => c.spec) }),
    });
    await readEvents(response, (event) => onEvent(race, event));
  } catch (err) {
    if (!isAbort(err)) showError($("g-error"), err, state.formula);
  } finally {
    race.done = true;
    if (state.racing === controller) state.racing = null;
  }
}

function stopRace() {
  if (state.racing) state.racing.abort();
  state.racing = null;
  state.animation = null;
  $("g-run").disabled = false;
}

function choosePreset(name) {
  const p = state.presets.find((q) => q.name === name);
  if (!p) return;
  $("g-formula").value = p.formula;
  state.xrange = p.xrange;
  state.yrange = p.yrange;
  state.start = p.start;
  $("g-note").textContent = p.note || "";
  draw();
}

function wireClicks(gd) {
  gd.addEventListener("pointerdown", (event) => {
    const p = dataCoords(gd, event);
    if (!p || !state.formula) return;
    event.preventDefault();
    event.stopPropagation();
    setStart(p.x, p.y);
  }, true);
}

export async function start() {
  const body = $("g-opts").tBodies[0];
  body.replaceChildren(...OPTIMIZERS.map(optimizerRow));
  $("g-form").addEventListener("submit", (event) => {
    event.preventDefault();
    $("g-preset").value = "";
    $("g-note").textContent = "Your own function: click the plot to choose where to start.";
    draw();
  });
  $("g-preset").addEventListener("change", () => choosePreset($("g-preset").value));
  $("g-run").addEventListener("click", race);
  $("g-stop").addEventListener("click", stopRace);
  wireClicks($("g-plot"));
  try {
    state.presets = (await get("/api/presets")).presets;
  } catch (err) {
    showError($("g-error"), err);
  }
  const select = $("g-preset");
  select.append(new Option("(typed)", ""));
  for (const p of state.presets) select.append(new Option(p.name, p.name));
  const first = state.presets.find((p) => p.name === "elongated bowl") || state.presets[0];
  if (first) {
    select.value = first.name;
    choosePreset(first.name);
  } else {
    draw();
  }
}
