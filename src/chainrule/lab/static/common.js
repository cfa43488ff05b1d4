// Helpers shared by the four pages: talking to the API, errors with a caret, numbers, plots.

/** An error answered by the API: HTTP status, message and (for a formula) the 1-based column. */
export class ApiError extends Error {
  constructor(status, message, column) {
    super(message);
    this.status = status;
    this.column = column ?? null;
  }
}

async function answer(response) {
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error) || `the server answered ${response.status}`;
    throw new ApiError(response.status, message, data && data.column);
  }
  return data;
}

/** POST a JSON body to the lab API and return the JSON answer (throws ApiError). */
export async function post(path, body, signal) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  return answer(response);
}

/** GET a JSON answer. */
export async function get(path) {
  return answer(await fetch(path));
}

/** DELETE, ignoring the answer. */
export async function remove(path) {
  try {
    await fetch(path, { method: "DELETE" });
  } catch (e) {
    // the run may already be gone; nothing to tell the user
  }
}

/**
 * Read a server-sent event stream from a fetch Response, calling onEvent(obj) for each
 * `data: <json>` event. Resolves when the stream ends; an abort rejects with AbortError.
 */
export async function readEvents(response, onEvent) {
  if (!response.ok) {
    await answer(response);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart()).join("\n");
      if (data) onEvent(JSON.parse(data));
    }
  }
}

/** Is this the error an aborted fetch raises? */
export function isAbort(err) {
  return err && err.name === "AbortError";
}

/**
 * Show an error in `box`. With a formula and a column, the formula is echoed with a caret
 * under the offending column, the way the CLI prints it.
 */
export function showError(box, err, formula) {
  box.replaceChildren();
  const message = document.createElement("p");
  message.className = "error-message";
  message.textContent = err && err.message ? err.message : String(err);
  box.append(message);
  const column = err && err.column;
  if (formula && Number.isInteger(column) && column >= 1) {
    const pre = document.createElement("pre");
    pre.className = "caret";
    pre.textContent = `${formula}\n${" ".repeat(column - 1)}^`;
    box.append(pre);
  }
  box.hidden = false;
}

export function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** Put a <math> element sent by the server into `el` (falls back to text). */
export function setMath(el, mathml, text) {
  const typeset = typeof mathml === "string" && mathml.trim().startsWith("<math");
  el.classList.toggle("math-text", !typeset);
  if (typeset) {
    el.innerHTML = mathml;
  } else {
    el.textContent = text ?? "";
  }
}

/** A number for people: null shows as a dash, very small or large ones in e-notation. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
    const sup = String(Number(exponent)).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]);
    return `${Number(mantissa)}×10${sup}`;
  }
  return String(Number(v.toPrecision(digits)));
}

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷",
  8: "⁸", 9: "⁹" };

/** Read a number input; throws a readable error when it is empty or not a number. */
export function numberFrom(input, name) {
  const v = Number(input.value);
  if (input.value.trim() === "" || !Number.isFinite(v)) {
    throw new Error(`${name} must be a number`);
  }
  return v;
}

export const COLORS = ["#2563eb", "#e8590c", "#0f9d58", "#9333ea", "#d6336c", "#0891b2"];

export const PLOT_CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false };

/** A plotly layout with the lab's look; `extra` overrides. */
export function layout(extra = {}) {
  return {
    margin: { l: 48, r: 16, t: 16, b: 40 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12,
      color: "#1f2933" },
    dragmode: false,
    hovermode: "closest",
    showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", bgcolor: "rgba(0,0,0,0)" },
    xaxis: { zeroline: true, zerolinecolor: "#cbd2d9", gridcolor: "#eef1f4" },
    yaxis: { zeroline: true, zerolinecolor: "#cbd2d9", gridcolor: "#eef1f4" },
    ...extra,
  };
}

/** Data coordinates under a pointer event on a plotly plot, or null outside the axes. */
export function dataCoords(gd, event) {
  const full = gd._fullLayout;
  if (!full || !full.xaxis || !full.yaxis) return null;
  const rect = gd.getBoundingClientRect();
  const px = event.clientX - rect.left - full.xaxis._offset;
  const py = event.clientY - rect.top - full.yaxis._offset;
  if (px < 0 || py < 0 || px > full.xaxis._length || py > full.yaxis._length) return null;
  return { x: full.xaxis.p2d(px), y: full.yaxis.p2d(py) };
}

/** Run `fn` at most once per animation frame with the latest arguments. */
export function perFrame(fn) {
  let queued = null;
  return (...args) => {
    const first = queued === null;
    queued = args;
    if (first) {
      requestAnimationFrame(() => {
        const latest = queued;
        queued = null;
        fn(...latest);
      });
    }
  };
}

/**
 * Wrap an async function so that at most one call is in flight; calls made meanwhile
 * collapse into one more call with the latest arguments.
 */
export function latestOnly(fn) {
  let running = false;
  let next = null;
  const run = async (...args) => {
    if (running) {
      next = args;
      return;
    }
    running = true;
    try {
      await fn(...args);
    } finally {
      running = false;
      if (next) {
        const again = next;
        next = null;
        run(...again);
      }
    }
  };
  return run;
}

/** A y range that ignores spikes (for poles like 1/x): the 2nd..98th percentile, padded. */
export function robustRange(...series) {
  const vals = series.flat().filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (vals.length === 0) return [-1, 1];
  const lo = vals[Math.floor(vals.length * 0.02)];
  const hi = vals[Math.min(vals.length - 1, Math.floor(vals.length * 0.98))];
  const pad = Math.max((hi - lo) * 0.12, 0.5);
  return [lo - pad, hi + pad];
}

/** Tell each plot inside `root` to fit its (possibly just revealed) container. */
export function resizePlots(root) {
  for (const gd of root.querySelectorAll(".js-plotly-plot")) {
    window.Plotly.Plots.resize(gd);
  }
}
