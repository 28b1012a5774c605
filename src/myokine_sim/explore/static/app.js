// myokine explore: controls -> POST /api/run -> uPlot panels. Plain ES module, no build step.
import uPlot from "./vendor/uPlot.esm.js";

const FONT = "16px system-ui, sans-serif";
const LABEL_FONT = "bold 16px system-ui, sans-serif";
// Line styles that survive greyscale: each curve of a panel has its own dash pattern as well as colour.
const STYLES = [
  { stroke: "#000000", dash: [] },
  { stroke: "#b34700", dash: [14, 7] },
  { stroke: "#1f5fa8", dash: [3, 6] },
];
// The pinned baseline: lighter and thinner than the current run, so it also reads in greyscale.
const BASELINE_STROKE = "#9a9a9a";
const EXERCISE_SHADE = "rgba(0, 0, 0, 0.10)";
// The 90% prediction band: a light fill behind the current run's line, with thin edges (reads in greyscale).
const BAND_FILL = "rgba(31, 95, 168, 0.20)";
const BAND_EDGE = "rgba(31, 95, 168, 0.55)";
const DAYS_AFTER_MIN = 36 * 60;
// Error groups of the page, by the control the API names.
const GROUP_OF_CONTROL = {
  muscle_glycogen_mmol_kg_dw: "subject", training_status: "subject", body_mass_kg: "subject", t_end_min: "run",
};
const INTERVENTION_MARKS = {
  carbohydrate: "▼ drink", meal: "▲ meal", endotoxin: "✱ endotoxin", il6_infusion: "▬ rhIL-6",
  hydrocortisone_infusion: "▭ cortisol",
};

const state = {
  config: null,
  preset: null,
  current: null,   // the last run the API returned
  baseline: null,  // a pinned run, drawn in grey
  plots: new Map(),
  inFlight: false,
  queued: false,
  changedAt: null, // when the first change not yet drawn was made
  revision: 0,
  latenciesMs: [],
};

const $ = (selector) => document.querySelector(selector);

// ------------------------------------------------------------------ controls

function buildControls() {
  for (const holder of document.querySelectorAll("#controls .slider, #controls .number")) {
    const { name, label, unit } = holder.dataset;
    const text = document.createElement("label");
    text.htmlFor = name;
    text.innerHTML = `${label} <span class="unit">(${unit})</span>`;
    const number = document.createElement("input");
    // Any value, not only the slider's steps: the scenario's own limits apply.
    Object.assign(number, { type: "number", id: name, name, step: "any" });
    if (holder.dataset.optional) number.placeholder = holder.dataset.optional;
    holder.append(text);
    if (holder.classList.contains("slider")) {
      const range = document.createElement("input");
      Object.assign(range, { type: "range", id: `${name}-range`, min: holder.dataset.min, max: holder.dataset.max,
                             step: holder.dataset.step });
      range.setAttribute("aria-label", `${label} (${unit})`);
      range.addEventListener("input", () => { number.value = range.value; changed(); });
      number.addEventListener("input", () => { if (number.value !== "") range.value = number.value; });
      const line = document.createElement("div");
      line.className = "pair";
      line.append(range, number);
      holder.append(line);
    } else {
      holder.append(number);
    }
  }
  for (const element of document.querySelectorAll("#controls input[type=number], #controls select")) {
    element.addEventListener("input", changed);
  }
}

function setControls(values) {
  for (const [name, value] of Object.entries(values)) {
    const element = document.getElementById(name);
    if (!element) continue;
    element.value = value === null ? "" : String(value);
    const range = document.getElementById(`${name}-range`);
    if (range && value !== null) range.value = String(value);
  }
  updateDisabled();
}

function readControls() {
  const values = {};
  for (const [name, fallback] of Object.entries(state.config.default_controls)) {
    const element = document.getElementById(name);
    if (!element) { values[name] = fallback; continue; }
    if (element.tagName === "SELECT") { values[name] = element.value; continue; }
    const text = element.value.trim();
    // An empty optional field is "not given"; any other text goes to the API, which says what is wrong with it.
    values[name] = text === "" ? null : (Number.isFinite(Number(text)) ? Number(text) : text);
  }
  return values;
}

function updateDisabled() {
  const value = (name) => document.getElementById(name).value;
  const off = (names, disabled) => {
    for (const name of names) {
      for (const element of [document.getElementById(name), document.getElementById(`${name}-range`)]) {
        if (element) element.disabled = disabled;
      }
    }
  };
  const resting = value("modality") === "none";
  // Knee extension is dosed as a share of the leg's peak power, whole-body exercise as %VO2max.
  const intensityUnit = value("modality").startsWith("knee_extension") ? "% leg peak power" : "%VO2max";
  document.querySelector("label[for=intensity_pct_vo2max] .unit").textContent = `(${intensityUnit})`;
  off(["intensity_pct_vo2max", "duration_min", "repeats", "rest_min", "exercise_start_min"], resting);
  if (!resting) off(["rest_min"], Number(value("repeats")) <= 1);
  off(["drink_every_min", "drinks_from_min", "drinks_until_min"], !(Number(value("drink_g")) > 0));
  off(["infusion_start_min", "infusion_duration_min"], !(Number(value("infusion_rise_pg_ml")) > 0));
  off(["endotoxin_time_min"], !(Number(value("endotoxin_ng_per_kg")) > 0));
}

function changed() {
  updateDisabled();
  if (state.changedAt === null) state.changedAt = performance.now();
  requestRun();
}

// ------------------------------------------------------------------ the API

function bandDraws() {
  return $("#band").checked ? state.config.band_draws : 0;
}

function requestBody() {
  return JSON.stringify({ preset: state.preset, controls: readControls(), uncertainty: bandDraws() });
}

// One request at a time; changes made meanwhile are sent together when it answers (latest wins).
async function requestRun() {
  if (state.inFlight) { state.queued = true; return; }
  state.inFlight = true;
  document.body.dataset.state = "busy";
  try {
    const response = await fetch("/api/run", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: requestBody(),
    });
    const answer = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
    if (state.queued) return;  // a newer change is waiting: draw that one instead
    if (response.ok) {
      showErrors(null);
      state.current = answer;
      draw();
      finishRedraw();
    } else {
      showErrors(answer);
      document.body.dataset.state = "error";
      state.changedAt = null;
    }
  } catch (error) {
    if (!state.queued) {
      showErrors({ error: `no answer from the explorer (${error.message}); is myokine explore still running?` });
      document.body.dataset.state = "error";
      state.changedAt = null;
    }
  } finally {
    state.inFlight = false;
    if (state.queued) { state.queued = false; requestRun(); }
  }
}

// The change-to-redraw time: measured once the browser has painted the new curves.
function finishRedraw() {
  requestAnimationFrame(() => setTimeout(() => {
    if (state.changedAt !== null) state.latenciesMs.push(performance.now() - state.changedAt);
    state.changedAt = null;
    state.revision += 1;
    document.body.dataset.revision = String(state.revision);
    document.body.dataset.state = state.inFlight ? "busy" : "ready";
  }, 0));
}

function showErrors(answer) {
  for (const element of document.querySelectorAll("p.error")) { element.hidden = true; element.textContent = ""; }
  for (const fieldset of document.querySelectorAll("fieldset")) fieldset.classList.remove("invalid");
  // After bad input the last valid curves and numbers stay, dimmed: never a blank page.
  for (const id of ["panels", "readout", "scenario-name"]) {
    document.getElementById(id).classList.toggle("stale", Boolean(answer));
  }
  if (!answer) return;
  const group = GROUP_OF_CONTROL[answer.control] || answer.control;
  const beside = group && document.getElementById(`error-${group}`);
  const target = beside || document.getElementById("error-top");
  target.textContent = answer.error;
  target.hidden = false;
  const fieldset = document.querySelector(`fieldset[data-group="${group}"]`);
  if (fieldset) fieldset.classList.add("invalid");
}

async function download(kind, button) {
  button.disabled = true;
  try {
    const response = await fetch(`/api/download/${kind}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: requestBody(),
    });
    if (!response.ok) {
      showErrors(await response.json().catch(() => ({ error: `the server answered ${response.status}` })));
      return;
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] || `scenario.${kind}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ plots

function inDays(run) {
  const time = run.time_min;
  return time[time.length - 1] - time[0] > DAYS_AFTER_MIN;
}

function timeAxis(run) {
  const days = run && inDays(run);
  return {
    label: days ? "Time (days)" : "Time (min)", font: FONT, labelFont: LABEL_FONT, size: 46, labelSize: 26,
    stroke: "#000", grid: { stroke: "#e2e2e2", width: 1 }, ticks: { stroke: "#888", width: 1 },
    ...(days ? { incrs: [720, 1440, 2880, 7 * 1440], values: (u, splits) => splits.map((v) => `${v / 1440}`) } : {}),
  };
}

function shadeExercise(u) {
  const run = state.current;
  if (!run) return;
  const { ctx, bbox } = u;
  ctx.save();
  ctx.fillStyle = EXERCISE_SHADE;
  for (const [start, end] of run.exercise_periods) {
    const left = u.valToPos(start, "x", true);
    const right = u.valToPos(end, "x", true);
    ctx.fillRect(left, bbox.top, Math.max(right - left, 1), bbox.height);
  }
  ctx.restore();
}

// Interventions along the top of the schedule: drinks, meals, endotoxin as marks, infusions as a bar.
function drawInterventions(u) {
  const run = state.current;
  if (!run) return;
  const { ctx, bbox } = u;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${Math.round(18 * ratio)}px system-ui, sans-serif`;
  ctx.fillStyle = "#000";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const event of run.interventions) {
    const x = u.valToPos(event.time_min, "x", true);
    if (event.kind === "il6_infusion") {
      const right = u.valToPos(event.end_min, "x", true);
      ctx.fillStyle = "#555";
      ctx.fillRect(x, bbox.top + 2 * ratio, right - x, 8 * ratio);
      ctx.fillStyle = "#000";
    } else if (event.kind === "hydrocortisone_infusion") {
      // An outlined bar, below the rhIL-6 bar's row, so the two infusions stay apart when they overlap.
      const right = u.valToPos(event.end_min, "x", true);
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1.5 * ratio;
      ctx.strokeRect(x, bbox.top + 12 * ratio, Math.max(right - x, 2 * ratio), 8 * ratio);
    } else {
      const mark = INTERVENTION_MARKS[event.kind];
      if (mark) ctx.fillText(mark[0], x, bbox.top + 2 * ratio);
    }
  }
  ctx.restore();
}

// The fill between a band's edges, drawn once its upper edge is drawn: under the current run's line.
function drawBand(u, seriesIndex) {
  const columns = (u.series.length - 1) / 4;
  const offset = seriesIndex - 1 - columns;  // 0, 1 (low, high) of the first column, 2, 3 of the second...
  if (offset < 0 || offset >= 2 * columns || offset % 2 === 0) return;
  const [x, lower, high] = [u.data[0], u.data[seriesIndex - 1], u.data[seriesIndex]];
  const points = [];
  for (let i = 0; i < x.length; i += 1) {
    if (lower[i] !== null && lower[i] !== undefined && high[i] !== null && high[i] !== undefined) points.push(i);
  }
  if (points.length < 2) return;
  const floor = u.scales.y.min;
  const y = (v) => u.valToPos(Math.max(v, floor), "y", true);
  const { ctx, bbox } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  ctx.beginPath();
  points.forEach((i, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, u.valToPos(x[i], "x", true), y(lower[i])));
  for (let k = points.length - 1; k >= 0; k -= 1) ctx.lineTo(u.valToPos(x[points[k]], "x", true), y(high[points[k]]));
  ctx.closePath();
  ctx.fillStyle = BAND_FILL;
  ctx.fill();
  ctx.restore();
}

// Bouts are read against 0-100 % of maximum, whatever their height.
function scheduleRange(u, low, high) {
  return [0, Math.max(100, (high ?? 0) * 1.1)];
}

// A log axis ticked and gridded at whole decades only: 1, 10, 100.
function decades(u, axisIndex, low, high) {
  const splits = [];
  for (let power = Math.round(Math.log10(low)); 10 ** power <= high * 1.0001; power += 1) splits.push(10 ** power);
  return splits;
}

function linearRange(u, low, high) {
  // From zero, so a small change looks small; headroom keeps a flat line off the top.
  const top = Math.max(high ?? 0, 0);
  return [0, top > 0 ? top * 1.12 : 1];
}

function logRange(u, low, high) {
  const bottom = Math.floor(Math.log10(Math.max(low ?? 1, 1e-3) * 1.05));
  const top = Math.ceil(Math.log10(Math.max(high ?? 10, 1e-3) / 1.05));
  return [10 ** bottom, 10 ** Math.max(top, bottom + 1)];
}

// Series of a panel: x, then the pinned baseline's curves (drawn first, underneath), then the band's lower
// and upper edge of each curve (empty without a band; the fill between them is drawn by drawBand), then the
// current run's curves on top.
function panelSeries(panel) {
  const series = [{}];
  const stepped = panel.id === "schedule" ? uPlot.paths.stepped({ align: 1 }) : undefined;
  panel.columns.forEach((column, index) => {
    series.push({
      label: `${panel.names[index]}, baseline`, stroke: BASELINE_STROKE, dash: STYLES[index % STYLES.length].dash,
      width: 2.5, spanGaps: true, points: { show: false }, paths: stepped,
    });
  });
  panel.columns.forEach((column, index) => {
    for (const edge of ["5%", "95%"]) {
      series.push({ label: `${panel.names[index]}, ${edge} of the draws`, stroke: BAND_EDGE, width: 1,
                    spanGaps: true, points: { show: false } });
    }
  });
  panel.columns.forEach((column, index) => {
    const style = STYLES[index % STYLES.length];
    series.push({
      label: panel.names[index], stroke: style.stroke, dash: style.dash, width: 3.5, spanGaps: true,
      points: { show: false }, paths: stepped,
      fill: panel.id === "schedule" ? "rgba(0, 0, 0, 0.35)" : undefined,
    });
  });
  return series;
}

function makePlot(panel, holder) {
  const width = Math.max(holder.clientWidth, 250);
  const options = {
    width, height: panelHeight(),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      y: panel.log ? { distr: 3, range: logRange } : { range: panel.id === "schedule" ? scheduleRange : linearRange },
    },
    axes: [
      timeAxis(state.current),
      {
        label: panel.y_label, font: FONT, labelFont: LABEL_FONT, size: 64, labelSize: 26, stroke: "#000",
        grid: { stroke: "#e2e2e2", width: 1 }, ticks: { stroke: "#888", width: 1 },
        ...(panel.log ? { splits: decades, values: (u, splits) => splits.map((v) => `${v}`) } : {}),
      },
    ],
    series: panelSeries(panel),
    hooks: { drawClear: [shadeExercise], drawSeries: [drawBand],
             draw: panel.id === "schedule" ? [drawInterventions] : [] },
  };
  return new uPlot(options, emptyData(panel), holder);
}

// Tall enough to read, short enough that every panel fits on one projected screen when the grid allows.
const CAPTION_ALLOWANCE_PX = 64;  // a caption of up to two lines and the gap below a row
function panelHeight() {
  const container = document.getElementById("panels");
  const columns = getComputedStyle(container).gridTemplateColumns.split(" ").length || 1;
  const rows = Math.ceil(state.config.panels.length / columns);
  const free = window.innerHeight - (container.getBoundingClientRect().top + window.scrollY) - 12;
  return Math.round(Math.min(380, Math.max(220, free / rows - CAPTION_ALLOWANCE_PX)));
}

function fitPlots() {
  const height = panelHeight();
  for (const { holder, plot } of state.plots.values()) {
    const width = Math.max(holder.clientWidth, 250);
    if (plot.width !== width || plot.height !== height) plot.setSize({ width, height });
  }
}

function emptyData(panel) {
  const empty = () => [null, null];
  return [[0, 1], ...panel.columns.map(empty), ...panel.columns.flatMap(() => [empty(), empty()]),
          ...panel.columns.map(empty)];
}

function buildPanels() {
  const container = document.getElementById("panels");
  for (const panel of state.config.panels) {
    const figure = document.createElement("figure");
    figure.className = "panel";
    figure.dataset.panel = panel.id;
    const caption = document.createElement("figcaption");
    caption.innerHTML = `<span class="title">${panel.title}</span>`;
    if (panel.columns.length > 1) caption.append(legendFor(panel));
    if (panel.id === "schedule") caption.insertAdjacentHTML("beforeend", '<span class="marks"></span>');
    const holder = document.createElement("div");
    holder.className = "plot";
    figure.append(caption, holder);
    container.append(figure);
    state.plots.set(panel.id, { panel, holder, plot: makePlot(panel, holder), days: false });
  }
  new ResizeObserver(fitPlots).observe(container);
  window.addEventListener("resize", fitPlots);
}

function legendFor(panel) {
  const legend = document.createElement("span");
  legend.className = "legend";
  panel.columns.forEach((column, index) => {
    const style = STYLES[index % STYLES.length];
    legend.insertAdjacentHTML("beforeend",
      `<span class="entry"><svg width="32" height="12" aria-hidden="true"><line x1="0" y1="6" x2="32" y2="6" ` +
      `stroke="${style.stroke}" stroke-width="3" stroke-dasharray="${style.dash.join(" ")}"/></svg>` +
      `${panel.names[index]}</span>`);
  });
  return legend;
}

// Whether each of a panel's columns draws its own curve in a run: a curve equal to an earlier one (the two
// glycogen stores outside running) is left out, as the matplotlib figures do.
function distinctColumns(panel, run) {
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  return panel.columns.map((column, index) =>
    !panel.columns.slice(0, index).some((earlier) => same(run.series[earlier], run.series[column])));
}

function panelData(panel, drawn) {
  const run = state.current;
  const none = () => run.time_min.map(() => null);
  const bands = panel.columns.flatMap((c, i) =>
    (drawn[i] && run.bands && run.bands[c] ? run.bands[c] : [none(), none()]));
  const current = [run.time_min, ...bands, ...panel.columns.map((c, i) => (drawn[i] ? run.series[c] : none()))];
  const base = state.baseline;
  if (!base) return [run.time_min, ...panel.columns.map(none), ...current.slice(1)];
  const baseDrawn = distinctColumns(panel, base);
  const pinned = [base.time_min,
                  ...panel.columns.map((c, i) => (baseDrawn[i] ? base.series[c] : base.time_min.map(() => null)))];
  return uPlot.join([pinned, current]);  // one time axis for both, gaps where only one has a sample
}

function draw() {
  const run = state.current;
  const days = inDays(run);
  for (const entry of state.plots.values()) {
    if (entry.days !== days) {  // the time axis switches between minutes and days: a new plot
      entry.plot.destroy();
      entry.plot = makePlot(entry.panel, entry.holder);
      entry.days = days;
    }
    const { panel, plot } = entry;
    if (panel.id === "schedule") {
      plot.axes[1].label = run.load_unit;
      const kinds = [...new Set(run.interventions.map((e) => e.kind))];
      plot.root.closest("figure").querySelector(".marks").textContent =
        kinds.map((kind) => INTERVENTION_MARKS[kind]).filter(Boolean).join("   ");
    }
    const drawn = distinctColumns(panel, run);
    plot.setData(panelData(panel, drawn));
    const legend = plot.root.closest("figure").querySelector(".legend");
    if (legend) {  // a single curve needs no legend
      legend.querySelectorAll(".entry").forEach((entry, index) => { entry.hidden = !drawn[index]; });
      legend.hidden = drawn.filter(Boolean).length < 2;
    }
    plot.root.closest("figure").dataset.band =
      run.bands && panel.columns.some((c) => run.bands[c]) ? "shown" : "none";
  }
  showReadout();
  fitPlots();  // the readout above may have changed height
}

// ------------------------------------------------------------------ the readout

function fixed(value, digits) {
  return Number(value).toFixed(digits);
}

function headlineText(run) {
  const il6 = run.headline.plasma_il6_pg_ml;
  const glycogen = run.headline.muscle_glycogen_mmol_kg_dw;
  const fold = il6.fold_peak === null ? "n/a" : `${fixed(il6.fold_peak, 1)}×`;
  return {
    il6: `${fixed(il6.peak, 1)} pg/mL`, fold, il6Time: `${fixed(il6.time_of_peak_min, 0)} min`,
    glycogen: `${fixed(glycogen.min, 0)} mmol/kg dw`, glycogenTime: `${fixed(glycogen.time_of_min_min, 0)} min`,
    glycogenFrom: fixed(glycogen.baseline, 0), stores: workingStoreText(run, glycogen.min),
  };
}

// After running the working muscle empties further than the thigh the nadir is read from: both are named, as
// `myokine run` prints them.
function workingStoreText(run, thighMin) {
  const working = Math.min(...run.series.working_muscle_glycogen_mmol_kg_dw);
  return fixed(working, 0) === fixed(thighMin, 0) ? "" : `, thigh; ${fixed(working, 0)} in all working muscle`;
}

function showReadout() {
  const run = state.current;
  const now = headlineText(run);
  const base = state.baseline && headlineText(state.baseline);
  const compare = (text) => (base ? ` <span class="was">baseline ${text}</span>` : "");
  const u = run.uncertainty;
  const interval = u ? ` <span class="band">90% band ${fixed(u.peak_il6_pg_ml[0], 1)}–` +
    `${fixed(u.peak_il6_pg_ml[2], 1)} pg/mL (${u.draws} posterior draws)</span>` : "";
  $("#readout").innerHTML =
    `<div class="figure" id="readout-il6">Peak plasma IL-6 <b>${now.il6}</b> (<b>${now.fold}</b> rest) ` +
    `at <b>${now.il6Time}</b>${interval}${compare(base ? `${base.il6} (${base.fold}) at ${base.il6Time}` : "")}</div>` +
    `<div class="figure" id="readout-glycogen">Glycogen nadir <b>${now.glycogen}</b> at <b>${now.glycogenTime}</b> ` +
    `(from ${now.glycogenFrom}${now.stores})${compare(base ? `${base.glycogen} at ${base.glycogenTime}` : "")}</div>` +
    evidenceText(run.evidence);
  const scenario = run.scenario;
  $("#scenario-name").textContent = `${scenario.name}${scenario.changed ? " (changed)" : ""}: ${scenario.description}`;
  const kept = $("#kept");
  kept.hidden = scenario.kept.length === 0;
  kept.querySelector("ul").innerHTML = scenario.kept.map((item) => `<li>${escapeHtml(item)}</li>`).join("");
  $("#key").textContent = "Shaded: exercise." +
    (u ? `  Light band: 90% of ${u.draws} posterior draws.` : "") +
    (state.baseline ? `  Grey: pinned baseline (${state.baseline.scenario.name}).` : "");
}

// The human data nearest to what is simulated (`myokine evidence`): beyond one step the curves are extrapolation.
function evidenceText(evidence) {
  if (!evidence) return "";
  const study = `<b>${escapeHtml(evidence.study)}</b>`;
  const range = evidence.within_range
    ? "Within the calibrated range" : `<span class="outside">Outside the calibrated range</span>`;
  const verdict = `${range}: nearest study ${study}, ${fixed(evidence.distance, 2)} steps away`;
  const failures = evidence.known_failures.map(
    (f) => `<abbr title="${escapeHtml(f.quantity)}">${escapeHtml(f.id)}</abbr>`);
  const known = failures.length ? `; the model fails its ${failures.join(", ")} (docs/validation.md)` : "";
  return `<div class="figure" id="readout-evidence">${verdict}${known}</div>`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// ------------------------------------------------------------------ presets, baseline, start

function choosePreset(name) {
  state.preset = name || null;
  const preset = state.config.presets.find((p) => p.name === name);
  if (preset) setControls(preset.controls);
  changed();
}

function pin() {
  if (!state.current) return;
  state.baseline = state.current;
  $("#unpin").disabled = false;
  draw();
}

function unpin() {
  state.baseline = null;
  $("#unpin").disabled = true;
  if (state.current) draw();
}

// For tests and the benchmark: what is plotted, and how long redraws took.
window.explorer = {
  // The highest plotted value of a column: the current run's, or the pinned baseline's.
  plottedPeak(column, baseline = false) {
    for (const { panel, plot } of state.plots.values()) {
      const index = panel.columns.indexOf(column);
      if (index < 0) continue;
      const values = plot.data[1 + index + (baseline ? 0 : 3 * panel.columns.length)];
      return Math.max(...values.filter((v) => v !== null && v !== undefined));
    }
    throw new Error(`no panel plots ${column}`);
  },
  // The lowest plotted value of the current run's column (Infinity when that curve is not drawn).
  plottedMin(column) {
    for (const { panel, plot } of state.plots.values()) {
      const index = panel.columns.indexOf(column);
      if (index < 0) continue;
      const values = plot.data[1 + index + 3 * panel.columns.length];
      return Math.min(...values.filter((v) => v !== null && v !== undefined));
    }
    throw new Error(`no panel plots ${column}`);
  },
  // The plotted band of a column as [lower, upper] arrays over the run's times (null without a band).
  plottedBand(column) {
    for (const { panel, plot } of state.plots.values()) {
      const index = panel.columns.indexOf(column);
      if (index < 0) continue;
      const [x, low, high] = [plot.data[0], plot.data[1 + panel.columns.length + 2 * index],
                              plot.data[2 + panel.columns.length + 2 * index]];
      const kept = x.map((_, i) => i).filter((i) => low[i] !== null && low[i] !== undefined);
      return kept.length ? [kept.map((i) => low[i]), kept.map((i) => high[i])] : null;
    }
    throw new Error(`no panel plots ${column}`);
  },
  seriesCount: (panelId) => state.plots.get(panelId).plot.series.length,
  latenciesMs: state.latenciesMs,
  hasBaseline: () => state.baseline !== null,
};

async function start() {
  try {
    state.config = await (await fetch("/api/config")).json();
  } catch (error) {
    showErrors({ error: `could not load the explorer's settings: ${error.message}` });
    return;
  }
  buildControls();
  const select = $("#preset");
  select.add(new Option("— none: start from rest —", ""));
  for (const preset of state.config.presets) {
    select.add(new Option(`${preset.name}: ${preset.description}`, preset.name));
  }
  select.value = state.config.default_preset;
  select.addEventListener("change", () => choosePreset(select.value));
  buildPanels();
  $("#band-draws").textContent = String(state.config.band_draws);
  $("#band").addEventListener("change", changed);
  $("#pin").addEventListener("click", pin);
  $("#unpin").addEventListener("click", unpin);
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => download(button.dataset.download, button));
  }
  choosePreset(state.config.default_preset);
}

start();
