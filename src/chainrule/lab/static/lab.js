// The lab's entry point: tabs chosen by the URL hash; each page starts the first time it shows.
import { resizePlots } from "./common.js";
import * as derivative from "./derivative.js";
import * as descent from "./descent.js";
import * as network from "./network.js";
import * as numeric from "./numeric.js";

const PAGES = { derivative, descent, network, numeric };
const started = new Set();

function show() {
  let name = window.location.hash.replace(/^#/, "");
  if (!(name in PAGES)) name = "derivative";
  for (const key of Object.keys(PAGES)) {
    const section = document.getElementById(`page-${key}`);
    const tab = document.getElementById(`tab-${key}`);
    const active = key === name;
    section.hidden = !active;
    tab.setAttribute("aria-selected", active ? "true" : "false");
    tab.classList.toggle("active", active);
  }
  const section = document.getElementById(`page-${name}`);
  if (!started.has(name)) {
    started.add(name);
    PAGES[name].start(section);
  } else {
    resizePlots(section);
  }
  document.title = `${name[0].toUpperCase()}${name.slice(1)} · chainrule lab`;
}

window.addEventListener("hashchange", show);
show();
