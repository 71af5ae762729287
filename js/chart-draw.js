// The drawing half of the Scaling views' charts (see js/chart.js): markers, wheel zoom, the zoom range,
// data updates. scripts/vendor-js.py appends it to the bundle's uplot-<version>.js, so it arrives with uPlot
// the first time a view charts and costs the initial load nothing. Plain code, no imports: uPlot is passed in.

// Kinds of markers: low two bits the decision, bit 2 set for what the sandbox recorded (drawn at the
// bottom) rather than what the simulator predicts (drawn at the top).
const OUT = 0, IN = 1, SKIP = 2, PLAN = 3, RECORDED = 4;

// A colour from a CSS custom property, resolved (the theme's `light-dark()` values are only resolved on
// a real property, so a probe element reads it as its `color`).
function css(el, name, fallback) {
  const probe = document.createElement("span");
  probe.style.color = `var(${name}, ${fallback})`;
  probe.style.display = "none";
  el.appendChild(probe);
  const v = getComputedStyle(probe).color;
  probe.remove();
  return v || fallback;
}

// A Date whose local fields read as the wall-clock time `offsetMin` minutes east of UTC: uPlot formats
// axis and legend times with the local fields, so the chart speaks the cluster's zone, not the browser's.
function zoned(offsetMin) {
  return (ts) => {
    const d = new Date((ts + offsetMin * 60) * 1000);
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  };
}

function nullGaps(arr) {
  const out = new Array(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = Number.isNaN(arr[i]) ? null : arr[i];
  return out;
}

function markerPlugin(state) {
  // Markers are drawn in one path per kind (a month of periods can hold thousands of decisions), and
  // one marker per kind and pixel column: more would paint the same pixels again.
  const draw = (u) => {
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const colors = [state.colors.out, state.colors.in, state.colors.skip, state.colors.plan];
    const r = 5 * devicePixelRatio;
    const columns = Array.from({ length: 8 }, () => []);
    const lastX = new Array(8).fill(NaN);
    for (let i = 0; i < state.x.length; i++) {
      const x = Math.round(u.valToPos(state.x[i], "x", true));
      if (x < left - r || x > left + width + r) continue;
      const kind = state.kinds[i] & 7;
      if (x === lastX[kind]) continue;
      lastX[kind] = x;
      columns[kind].push(x);
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.lineWidth = devicePixelRatio;
    for (let kind = 0; kind < 8; kind++) {
      const xs = columns[kind];
      if (xs.length === 0) continue;
      const type = kind & 3;
      const recorded = (kind & RECORDED) !== 0;
      ctx.strokeStyle = ctx.fillStyle = colors[type];
      ctx.globalAlpha = 0.45;
      ctx.setLineDash(recorded ? [] : [4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      for (const x of xs) {
        ctx.moveTo(x + 0.5, top);
        ctx.lineTo(x + 0.5, top + height);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
      const y = recorded ? top + height - r : top + r;
      ctx.beginPath();
      for (const x of xs) {
        if (type === OUT) {
          ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + r); ctx.lineTo(x - r, y + r); ctx.closePath();
        } else if (type === IN) {
          ctx.moveTo(x, y + r); ctx.lineTo(x + r, y - r); ctx.lineTo(x - r, y - r); ctx.closePath();
        } else {
          ctx.moveTo(x + r * 0.7, y);
          ctx.arc(x, y, r * 0.7, 0, 2 * Math.PI);
        }
      }
      if (type === SKIP) ctx.stroke(); else ctx.fill();
    }
    ctx.restore();
  };
  return { hooks: { draw } };
}

// Wheel over the plot zooms the time axis around the pointer (one redraw per frame at most).
function wheelPlugin(state) {
  return {
    hooks: {
      ready: (u) => {
        let pending = null;
        u.over.addEventListener("wheel", (e) => {
          e.preventDefault();
          const frac = Math.min(1, Math.max(0, (e.clientX - u.over.getBoundingClientRect().left) / u.bbox.width * devicePixelRatio));
          const factor = e.deltaY < 0 ? 0.75 : 1 / 0.75;
          const base = pending || { min: u.scales.x.min, max: u.scales.x.max };
          const at = base.min + (base.max - base.min) * frac;
          pending = { min: at - (at - base.min) * factor, max: at + (base.max - at) * factor };
          if (!state.frame) {
            state.frame = requestAnimationFrame(() => {
              state.frame = 0;
              const p = pending;
              pending = null;
              zoomTo(state, p.min, p.max);
            });
          }
        }, { passive: false });
      },
    },
  };
}

function clampRange(state, min, max) {
  const lo = state.xMin, hi = state.xMax;
  const minSpan = Math.min(hi - lo, 6 * 300); // six periods at least
  let span = Math.max(minSpan, Math.min(max - min, hi - lo));
  let a = Math.max(lo, Math.min(min, hi - span));
  return [a, a + span];
}

function zoomTo(state, min, max) {
  const [a, b] = clampRange(state, min, max);
  state.plot.setScale("x", { min: a, max: b });
}

export function build(uPlot, el, s, data, mx, mk, onRange) {
  const text = css(el, "--chart-text", "#555");
  const grid = css(el, "--chart-grid", "rgba(128,128,128,0.2)");
  const state = {
    plot: null,
    frame: 0,
    x: mx,
    kinds: mk,
    xMin: data[0].length ? data[0][0] : 0,
    xMax: data[0].length ? data[0][data[0].length - 1] : 1,
    colors: {
      out: css(el, "--chart-out", "#2e7d32"),
      in: css(el, "--chart-in", "#1565c0"),
      skip: css(el, "--chart-skip", "#b26a00"),
      plan: css(el, "--chart-plan", "#6a1b9a"),
    },
  };
  const scales = { x: { time: true } };
  const axes = [{ stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } }];
  for (const [name, sc] of Object.entries(s.scales)) {
    scales[name] = { auto: true, range: (u, min, max) => [Math.min(0, min), max <= 0 ? 1 : max * 1.1] };
    axes.push({ scale: name, label: sc.label, side: sc.side, stroke: text, grid: { show: sc.side === 3, stroke: grid }, ticks: { stroke: grid } });
  }
  const series = [{ label: s.time_label, value: "{YYYY}-{MM}-{DD} {HH}:{mm}" }];
  for (const x of s.series) {
    series.push({
      label: x.label,
      scale: x.scale,
      stroke: css(el, x.stroke, "#888"),
      width: x.width || 1.5,
      dash: x.dash || undefined,
      paths: x.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
      spanGaps: false,
      points: { show: false },
    });
  }
  const rect = el.getBoundingClientRect();
  const opts = {
    width: Math.max(300, Math.floor(rect.width)),
    height: s.height || 320,
    tzDate: zoned(s.offset_minutes),
    scales,
    axes,
    series,
    cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 6 } },
    legend: { live: true },
    plugins: [markerPlugin(state), wheelPlugin(state)],
    hooks: {
      setScale: [(u, key) => {
        if (key === "x" && onRange) onRange(u.scales.x.min, u.scales.x.max);
      }],
    },
  };
  const cols = data.map((a, i) => (i === 0 ? Array.from(a) : nullGaps(a)));
  state.plot = new uPlot(opts, cols, el);
  state.resize = new ResizeObserver(() => {
    const w = Math.max(300, Math.floor(el.getBoundingClientRect().width));
    if (w !== state.plot.width) state.plot.setSize({ width: w, height: state.plot.height });
  });
  state.resize.observe(el);
  return state;
}

/** Replaces the chart's data (same series) and markers, keeping the zoom when it still fits. */
export function setChartData(state, data, mx, mk) {
  state.x = mx;
  state.kinds = mk;
  const had = state.plot.scales.x;
  const full = had.min <= state.xMin && had.max >= state.xMax;
  state.xMin = data[0].length ? data[0][0] : 0;
  state.xMax = data[0].length ? data[0][data[0].length - 1] : 1;
  state.plot.setData(data.map((a, i) => (i === 0 ? Array.from(a) : nullGaps(a))), full);
  if (!full) zoomTo(state, had.min, had.max);
}

/** Zooms to [min, max] seconds (kept within the data, at least six periods wide). */
export function setChartRange(state, min, max) {
  zoomTo(state, min, max);
}

/** Zooms in (`factor` < 1) or out (> 1) around the middle of the visible range. */
export function zoomChart(state, factor) {
  const { min, max } = state.plot.scales.x;
  const mid = (min + max) / 2;
  zoomTo(state, mid - (mid - min) * factor, mid + (max - mid) * factor);
}

export function resetChart(state) {
  state.plot.setScale("x", { min: state.xMin, max: state.xMax });
}

export function destroyChart(state) {
  if (state.frame) cancelAnimationFrame(state.frame);
  state.resize.disconnect();
  state.plot.destroy();
}
