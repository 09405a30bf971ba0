// The playground's live view: one mounted set of canvases that plays batches of frames at 30 frames/s.
//
// Python sends bytes: a little-endian uint32 header length, a JSON header, then binary sections
// (see nnviz/ui/playground_canvas.py). Frames are queued and drawn by requestAnimationFrame, so a
// new batch never remounts anything and the picture is never blank between batches.

// The frame rate, the caps on a batch and every colour come in each header ("constants", see CONSTANTS in
// nnviz/ui/playground_canvas.py): one home for each, on the server. What only the browser uses is here.
const WATCHDOG_MS = 15000; // ask again when a request got no answer this long (and 4 round trips)
const CSS = __NNVIZ_CSS__; // filled in by nnviz/ui/playground_canvas.py
const STATE = new WeakMap();

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function rgbOf(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgba(rgb, alpha) {
  return `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`;
}

// 256-entry lookup tables: uint8 value -> RGB, for the diverging scale and its discretised form.
function buildLut(c, discrete) {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const v = i / 127.5 - 1;
    let rgb;
    if (discrete) rgb = v >= 0 ? mix(c.white, c.blue, 0.75) : mix(c.white, c.orange, 0.75);
    else rgb = v >= 0 ? mix(c.white, c.blue, Math.min(1, v)) : mix(c.white, c.orange, Math.min(1, -v));
    lut[3 * i] = rgb[0]; lut[3 * i + 1] = rgb[1]; lut[3 * i + 2] = rgb[2];
  }
  return lut;
}

// The server's constants as the drawing code uses them; rebuilt only when they change.
function useConstants(s, k) {
  const key = JSON.stringify(k);
  if (s.constantsKey === key) return;
  s.constantsKey = key;
  const c = {
    frameMs: 1000 / k.frames_per_second, maxFrames: k.max_frames, firstWant: k.first_want,
    orange: rgbOf(k.negative), blue: rgbOf(k.positive), white: rgbOf(k.neutral),
    classHex: k.class_colours, classRgb: k.class_colours.map(rgbOf), testColour: k.test_colour,
  };
  c.lut = buildLut(c, false);
  c.lutDiscrete = buildLut(c, true);
  s.c = c;
  if (s.want === undefined) s.want = c.firstWant;
}

function fmt(x, digits) {
  return Number.isFinite(x) ? x.toFixed(digits) : "–";
}

function parse(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  return { header, body: bytes.subarray(4 + headerLength) };
}

// A batch for a slow link comes compressed (header.deflate: zlib, which the browser's DecompressionStream
// calls "deflate"); the header's offsets count the uncompressed bytes.
async function inflate(body) {
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function build(root, css) {
  // The stylesheet goes into the page once (isolate_styles=False mounts us in the app's own DOM).
  if (css && !document.getElementById("nnviz-pg-style")) {
    const style = document.createElement("style");
    style.id = "nnviz-pg-style";
    style.textContent = css;
    document.head.appendChild(style);
  }
  root.innerHTML = "";
  const wrap = document.createElement("div");
  wrap.className = "nnviz-pg";
  wrap.innerHTML = `
    <div class="nnviz-pg-stats">
      <span class="nnviz-pg-epoch" data-testid="playground-epoch">Epoch 0</span>
      <span class="nnviz-pg-loss"></span>
      <span class="nnviz-pg-status"></span>
    </div>
    <div class="nnviz-pg-row">
      <div class="nnviz-pg-out-box">
        <div class="nnviz-pg-caption nnviz-pg-out-caption">Output (decision boundary)</div>
        <canvas class="nnviz-pg-boundary" data-testid="playground-boundary"></canvas>
        <canvas class="nnviz-pg-loss-chart"></canvas>
      </div>
      <div class="nnviz-pg-net-box">
        <div class="nnviz-pg-caption">Network: each square is a neuron's output over the plane; links blue for
          w &gt; 0, orange for w &lt; 0, width |w| (hover a link for its weight)</div>
        <canvas class="nnviz-pg-net"></canvas>
        <div class="nnviz-pg-tip"></div>
      </div>
    </div>`;
  root.appendChild(wrap);
  const s = {
    wrap,
    epochEl: wrap.querySelector(".nnviz-pg-epoch"),
    lossEl: wrap.querySelector(".nnviz-pg-loss"),
    statusEl: wrap.querySelector(".nnviz-pg-status"),
    net: wrap.querySelector(".nnviz-pg-net"),
    tip: wrap.querySelector(".nnviz-pg-tip"),
    boundary: wrap.querySelector(".nnviz-pg-boundary"),
    lossChart: wrap.querySelector(".nnviz-pg-loss-chart"),
    outCaption: wrap.querySelector(".nnviz-pg-out-caption"),
    queue: [], header: null, run: null, lossHistory: [], last: 0, raf: 0, links: [],
    seq: 0, outstanding: 0, sentAt: 0, sent: new Map(), want: undefined, timer: 0, watchdog: 0, playing: false, data: null,
    stats: { drawn: 0, batches: 0, epoch: 0, firstDraw: 0, lastDraw: 0, requests: 0, deflated: 0 },
    inflating: 0, chain: Promise.resolve(),
    grid: document.createElement("canvas"), thumb: document.createElement("canvas"),
  };
  s.boundary.width = 480; s.boundary.height = 480;
  s.lossChart.width = 480; s.lossChart.height = 150;
  window.nnvizPlayground = s.stats;
  s.net.addEventListener("mousemove", (e) => hover(s, e));
  s.net.addEventListener("mouseleave", () => { s.tip.style.display = "none"; });
  s.boundary.addEventListener("click", (e) => click(s, e));
  return s;
}

// Room for tick labels at the left and bottom of the boundary and the loss chart, grown with the text.
function pad(s) {
  return Math.round(26 * ((s.header && s.header.text_scale) || 1));
}

function font(s, px) {
  return `${(px * ((s.header && s.header.text_scale) || 1)).toFixed(1)}px sans-serif`;
}

function click(s, e) {
  const h = s.header;
  if (!h || h.add_class < 0 || !s.setTriggerValue) return;
  const rect = s.boundary.getBoundingClientRect(), PAD = pad(s);
  const px = (e.clientX - rect.left) * (s.boundary.width / rect.width);
  const py = (e.clientY - rect.top) * (s.boundary.height / rect.height);
  const size = s.boundary.width - PAD;
  if (px < PAD || py > size) return;
  const [x0, x1, y0, y1] = h.extent;
  const x = x0 + (px - PAD) / size * (x1 - x0);
  const y = y1 - py / size * (y1 - y0);
  s.clicks = (s.clicks || 0) + 1;
  s.stats.clicks = s.clicks;
  s.setTriggerValue("point", { x, y, label: h.add_class, n: s.clicks });
}

function hover(s, e) {
  const rect = s.net.getBoundingClientRect();
  const mx = (e.clientX - rect.left) * (s.net.width / rect.width);
  const my = (e.clientY - rect.top) * (s.net.height / rect.height);
  let best = null, bestD = 5;
  for (const link of s.links) {
    const dx = link.x1 - link.x0, dy = link.y1 - link.y0;
    const t = Math.max(0, Math.min(1, ((mx - link.x0) * dx + (my - link.y0) * dy) / (dx * dx + dy * dy)));
    const d = Math.hypot(mx - (link.x0 + t * dx), my - (link.y0 + t * dy));
    if (d < bestD) { bestD = d; best = link; }
  }
  if (!best) { s.tip.style.display = "none"; return; }
  s.tip.textContent = `${best.label}: w = ${best.w.toFixed(3)}`;
  s.tip.style.left = `${e.clientX - rect.left + 12}px`;
  s.tip.style.top = `${e.clientY - rect.top + 12}px`;
  s.tip.style.display = "block";
}

function paintGrid(s, values, conf, res, mode, discrete) {
  const g = s.grid;
  if (g.width !== res) { g.width = res; g.height = res; }
  const ctx = g.getContext("2d");
  const img = ctx.createImageData(res, res);
  const px = img.data;
  const lut = discrete ? s.c.lutDiscrete : s.c.lut;
  const k = s.header.n_classes, white = s.c.white, classRgb = s.c.classRgb;
  for (let row = 0; row < res; row++) {
    // Row 0 of the grid is the lowest y; the canvas draws row 0 at the top.
    const src = (res - 1 - row) * res;
    for (let col = 0; col < res; col++) {
      const i = src + col, o = 4 * (row * res + col);
      if (mode === "multi") {
        const t = discrete ? 0.75 : Math.max(0, (conf[i] / 255 - 1 / k) / (1 - 1 / k));
        const c = mix(white, classRgb[values[i]] || white, t);
        px[o] = c[0]; px[o + 1] = c[1]; px[o + 2] = c[2];
      } else {
        const v = values[i];
        px[o] = lut[3 * v]; px[o + 1] = lut[3 * v + 1]; px[o + 2] = lut[3 * v + 2];
      }
      px[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return g;
}

function drawBoundary(s, frame) {
  const h = s.header, ctx = s.boundary.getContext("2d"), f = h.text_scale || 1;
  const W = s.boundary.width, PAD = pad(s), size = W - PAD;
  const out = paintGrid(s, frame.output, frame.conf, h.res, h.mode, h.discretize);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, W);
  ctx.imageSmoothingEnabled = !h.discretize;
  ctx.drawImage(out, PAD, 0, size, size);
  const [x0, x1, y0, y1] = h.extent;
  const sx = (x) => PAD + (x - x0) / (x1 - x0) * size;
  const sy = (y) => (y1 - y) / (y1 - y0) * size;
  const p = s.points;
  if (p) {
    for (let i = 0; i < p.n; i++) {
      const test = p.flags[i] & 1, wrong = p.flags[i] & 2;
      if (test && !h.show_test) continue;
      ctx.beginPath();
      ctx.arc(sx(p.xy[2 * i]), sy(p.xy[2 * i + 1]), 3.6, 0, 2 * Math.PI);
      if (h.mode === "regression") {
        // Coloured by the target on the output's scale, more saturated so the dot stands out.
        const v = p.label[i] / 127.5 - 1;
        const { white, blue, orange } = s.c;
        const c = v >= 0 ? mix(white, blue, Math.max(0.45, Math.min(1, v))) : mix(white, orange, Math.max(0.45, Math.min(1, -v)));
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      } else {
        ctx.fillStyle = s.c.classHex[p.label[i]] || "#777";
      }
      ctx.fill();
      ctx.lineWidth = test ? 1.6 : 1;
      ctx.strokeStyle = test ? "#000" : "#fff";
      ctx.stroke();
      if (wrong && h.highlight_wrong) {
        ctx.beginPath();
        ctx.arc(sx(p.xy[2 * i]), sy(p.xy[2 * i + 1]), 6.5, 0, 2 * Math.PI);
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#D00";
        ctx.stroke();
      }
    }
  }
  // Axes: ticks at the ends and the middle of each side.
  ctx.fillStyle = "#333";
  ctx.font = font(s, 12);
  ctx.textAlign = "center";
  for (const x of [x0, (x0 + x1) / 2, x1]) {
    ctx.fillText(x.toFixed(0), Math.min(Math.max(sx(x), PAD + 8 * f), W - 8 * f), size + 12 * f);
  }
  ctx.fillText("X₁", PAD + size / 2 + 30 * f, size + 23 * f);
  ctx.textAlign = "right";
  for (const y of [y0, (y0 + y1) / 2, y1]) ctx.fillText(y.toFixed(0), PAD - 4, Math.min(Math.max(sy(y) + 4 * f, 10 * f), size));
  ctx.save();
  ctx.translate(9 * f, size / 2 - 24 * f);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText("X₂", 0, 0);
  ctx.restore();
}

function netLayout(s) {
  const h = s.header, cols = h.sizes.length, f = h.text_scale || 1;
  const node = cols > 6 ? 30 : 38;
  const colGap = Math.max(cols > 6 ? 62 : 80, 56 * f); // room for "hidden 6" above each column
  const rowGap = node + 10;
  const maxRows = Math.max(...h.sizes);
  const labelW = Math.round(58 * f), head = Math.round(16 * f);
  const width = labelW + (cols - 1) * colGap + node + (h.mode === "multi" ? Math.round(52 * f) : 16);
  const height = Math.max(maxRows * rowGap + head + 4, 160);
  if (s.net.width !== width || s.net.height !== height) { s.net.width = width; s.net.height = height; }
  const pos = h.sizes.map((n, c) => {
    const top = head + (height - head - n * rowGap) / 2 + 5;
    return Array.from({ length: n }, (_, j) => [labelW + c * colGap, top + j * rowGap]);
  });
  return { node, pos };
}

function drawThumb(s, ctx, values, t, x, y, node) {
  const g = s.thumb, LUT = s.c.lut;
  if (g.width !== t) { g.width = t; g.height = t; }
  const tctx = g.getContext("2d");
  const img = tctx.createImageData(t, t);
  for (let row = 0; row < t; row++) {
    const src = (t - 1 - row) * t;
    for (let col = 0; col < t; col++) {
      const v = values[src + col], o = 4 * (row * t + col);
      img.data[o] = LUT[3 * v]; img.data[o + 1] = LUT[3 * v + 1]; img.data[o + 2] = LUT[3 * v + 2]; img.data[o + 3] = 255;
    }
  }
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(g, x, y, node, node);
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, node - 1, node - 1);
}

function drawNetwork(s, frame) {
  const h = s.header, ctx = s.net.getContext("2d");
  const { node, pos } = netLayout(s);
  ctx.clearRect(0, 0, s.net.width, s.net.height);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, s.net.width, s.net.height);
  // Links first, under the nodes.
  s.links = [];
  let wi = 0;
  for (let l = 1; l < h.sizes.length; l++) {
    for (let j = 0; j < h.sizes[l]; j++) {
      for (let k = 0; k < h.sizes[l - 1]; k++) {
        const w = frame.weights[wi++];
        const [ax, ay] = pos[l - 1][k], [bx, by] = pos[l][j];
        const x0 = ax + node, y0 = ay + node / 2, x1 = bx, y1 = by + node / 2;
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
        ctx.lineWidth = Math.min(6, 0.4 + Math.abs(w) * 1.2);
        ctx.strokeStyle = w >= 0 ? rgba(s.c.blue, 0.75) : rgba(s.c.orange, 0.85);
        ctx.stroke();
        const from = l === 1 ? h.feature_labels[k] : `layer ${l - 1} neuron ${k + 1}`;
        const to = l === h.sizes.length - 1 ? `output ${j + 1}` : `layer ${l} neuron ${j + 1}`;
        s.links.push({ x0, y0, x1, y1, w, label: `${from} → ${to}` });
        if (s.links.length === 1) s.stats.linkProbe = [(x0 + x1) / 2, (y0 + y1) / 2];
      }
    }
  }
  // Inputs.
  ctx.font = font(s, 12);
  ctx.textAlign = "right";
  ctx.fillStyle = "#222";
  const t = h.thumb, tt = t * t;
  for (let k = 0; k < h.sizes[0]; k++) {
    const [x, y] = pos[0][k];
    drawThumb(s, ctx, s.inputs.subarray(k * tt, (k + 1) * tt), t, x, y, node);
    ctx.fillStyle = "#222";
    ctx.fillText(h.feature_labels[k], x - 5, y + node / 2 + 4 * (h.text_scale || 1));
  }
  let hi = 0;
  for (let l = 1; l < h.sizes.length - 1; l++) {
    for (let j = 0; j < h.sizes[l]; j++) {
      const [x, y] = pos[l][j];
      drawThumb(s, ctx, frame.hidden.subarray(hi * tt, (hi + 1) * tt), t, x, y, node);
      hi++;
    }
  }
  // The output: a small copy of the boundary, or one class-coloured node per class (softmax).
  const last = h.sizes.length - 1;
  if (h.mode === "multi") {
    ctx.textAlign = "left";
    ctx.font = font(s, 12);
    for (let j = 0; j < h.sizes[last]; j++) {
      const [ox, oy] = pos[last][j];
      ctx.fillStyle = s.c.classHex[j] || "#777";
      ctx.fillRect(ox, oy, node, node);
      ctx.strokeStyle = "#555";
      ctx.strokeRect(ox + 0.5, oy + 0.5, node - 1, node - 1);
      ctx.fillStyle = "#222";
      ctx.fillText(`class ${j}`, ox + node + 4, oy + node / 2 + 4);
    }
  } else {
    const [ox, oy] = pos[last][0];
    ctx.drawImage(s.grid, ox, oy, node, node);
    ctx.strokeStyle = "#555";
    ctx.strokeRect(ox + 0.5, oy + 0.5, node - 1, node - 1);
  }
  ctx.textAlign = "center";
  ctx.fillStyle = "#444";
  ctx.font = font(s, 12);
  for (let l = 0; l < h.sizes.length; l++) {
    const x = pos[l][0][0] + node / 2;
    const name = l === 0 ? "input" : l === last ? "output" : `hidden ${l}`;
    ctx.fillText(name, x, 12 * (h.text_scale || 1));
  }
}

// The loss per epoch, live: every frame drawn adds its epoch (thinned to at most 600 points), so the curve grows
// while playing as TensorFlow Playground's does; the charts after training show the whole history.
function drawLoss(s) {
  const c = s.lossChart, ctx = c.getContext("2d"), H = s.lossHistory, f = s.header.text_scale || 1;
  const left = pad(s) + Math.round(6 * f), bottom = Math.round(34 * f), top = 6;
  const plotW = c.width - left - 6, plotH = c.height - bottom - top;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, plotW, plotH);
  ctx.font = font(s, 12);
  ctx.textAlign = "left";
  const legendY = c.height - 4;
  ctx.fillStyle = "#333"; ctx.fillText("Loss per epoch:", left, legendY);
  const legendX = left + ctx.measureText("Loss per epoch: ").width;
  ctx.fillStyle = "#000"; ctx.fillText("— train", legendX, legendY);
  ctx.fillStyle = s.c.testColour; ctx.fillText("— test", legendX + ctx.measureText("— train  ").width, legendY);
  s.stats.lossPoints = H.length;
  if (H.length < 2) return;
  let max = 0;
  for (const p of H) { if (Number.isFinite(p[1])) max = Math.max(max, p[1]); if (Number.isFinite(p[2])) max = Math.max(max, p[2]); }
  if (!(max > 0)) max = 1;
  const e0 = H[0][0], e1 = H[H.length - 1][0] || 1;
  const X = (e) => left + 1 + (e - e0) / Math.max(1, e1 - e0) * (plotW - 2);
  const Y = (v) => top + 2 + (1 - v / max) * (plotH - 4);
  for (const [idx, colour] of [[1, "#000"], [2, s.c.testColour]]) {
    ctx.beginPath();
    let started = false;
    for (const p of H) {
      if (!Number.isFinite(p[idx])) continue;
      if (!started) { ctx.moveTo(X(p[0]), Y(p[idx])); started = true; } else ctx.lineTo(X(p[0]), Y(p[idx]));
    }
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5 * f;
    ctx.stroke();
  }
  ctx.fillStyle = "#333";
  ctx.textAlign = "right";
  ctx.fillText(max.toPrecision(2), left - 3, top + 11 * f);
  ctx.fillText("0", left - 3, top + plotH);
  const tickY = top + plotH + 13 * f;
  ctx.textAlign = "left";
  ctx.fillText(`epoch ${e0.toLocaleString("en-US")}`, left, tickY);
  ctx.textAlign = "right";
  ctx.fillText(e1.toLocaleString("en-US"), left + plotW, tickY);
}

function show(s, frame) {
  const h = s.header;
  drawBoundary(s, frame);
  drawNetwork(s, frame);
  s.lossHistory.push([frame.epoch, frame.train_loss, frame.test_loss]);
  if (s.lossHistory.length > 600) s.lossHistory = s.lossHistory.filter((_, i) => i % 2 === 0);
  drawLoss(s);
  s.epochEl.textContent = `Epoch ${frame.epoch.toLocaleString("en-US")}`;
  const parts = [`Train loss ${fmt(frame.train_loss, 3)}`, `Test loss ${fmt(frame.test_loss, 3)}`];
  if (h.mode !== "regression") parts.push(`Test accuracy ${fmt(100 * frame.test_acc, 1)}\u00a0%`);
  s.lossEl.replaceChildren(...parts.map((text) => {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }));
  s.statusEl.textContent = h.stopped || "";
  const now = performance.now();
  s.stats.drawn += 1;
  s.stats.epoch = frame.epoch;
  if (!s.stats.firstDraw) s.stats.firstDraw = now;
  s.stats.lastDraw = now;
}

// --- asking for batches --------------------------------------------------------------------------
// While playing, the browser asks for each batch (the "tick" trigger reruns the fragment on the server)
// once the last one has arrived and the header's interval has passed since the last request: a slow link
// gets batches as fast as it carries them, never a backlog. The link's time for a batch (round trip
// minus the server's own time) sizes the next one: at most half the interval on the wire.

function ask(s) {
  s.timer = 0;
  if (!s.wrap.isConnected || !s.setTriggerValue) return;
  s.seq += 1;
  s.outstanding = s.seq;
  s.sentAt = performance.now();
  s.sent.set(s.seq, s.sentAt);
  s.stats.requests = s.seq;
  s.setTriggerValue("tick", { n: s.seq, frames: s.want, link: (s.link || 0) / 1000 });
  const seq = s.seq, wait = Math.max(WATCHDOG_MS, 4 * (s.roundTrip || 0));
  clearTimeout(s.watchdog);
  s.watchdog = setTimeout(() => {
    // Lost on the way (a full rerun took its place, a reconnect): ask again rather than stall.
    if (s.outstanding === seq && s.playing) { s.stats.reasked = (s.stats.reasked || 0) + 1; ask(s); }
  }, wait);
}

function plan(s, header, frames, now) {
  s.playing = header.next !== null && header.next !== undefined;
  if (!s.playing) {
    clearTimeout(s.timer); clearTimeout(s.watchdog);
    s.timer = 0; s.outstanding = 0; s.sent.clear();
    return;
  }
  const interval = 1000 * header.next;
  const sentAt = s.sent.get(header.answers);
  if (sentAt !== undefined) {
    // An answer to one of our requests (an older one too, when the watchdog asked again meanwhile).
    for (const k of [...s.sent.keys()]) if (k <= header.answers) s.sent.delete(k);
    const roundTrip = now - sentAt;
    s.roundTrip = s.roundTrip ? 0.7 * s.roundTrip + 0.3 * roundTrip : roundTrip;
    const link = Math.max(0, roundTrip - (header.server_ms || 0));
    s.link = link;
    s.stats.linkMs = Math.round(link);
    if (link > 0.5 * interval && frames > 0) {
      s.want = Math.max(1, Math.min(s.c.maxFrames, Math.floor(frames * 0.5 * interval / link)));
    } else if (link < 0.25 * interval) {
      s.want = Math.min(s.c.maxFrames, s.want + Math.max(1, Math.ceil(s.want / 2)));
    }
    s.stats.want = s.want;
    if (header.answers !== s.outstanding) return; // the newest request's answer asks for the next
    s.outstanding = 0;
  } else if (s.outstanding) {
    return; // a batch from a full rerun while our request is on its way: its answer asks for the next
  }
  clearTimeout(s.timer);
  s.timer = setTimeout(() => ask(s), Math.max(0, (s.sentAt || 0) + interval - now));
}

function loop(s) {
  const tick = (now) => {
    if (!s.wrap.isConnected) { s.raf = 0; return; }
    if (s.queue.length && now - s.last >= (s.frameMs || s.c.frameMs) - 2) {
      // Keep latency bounded: if batches arrive faster than they play, skip ahead.
      if (s.queue.length > 100) s.queue.splice(0, s.queue.length - 50);
      s.last = now;
      show(s, s.queue.shift());
    }
    s.raf = requestAnimationFrame(tick);
  };
  s.raf = requestAnimationFrame(tick);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let s = STATE.get(parentElement);
  if (!s || !s.wrap.isConnected) {
    s = build(parentElement, CSS);
    STATE.set(parentElement, s);
  }
  s.setTriggerValue = setTriggerValue;
  if (data && data !== s.data) {
    s.data = data;
    const now = performance.now(); // the batch's arrival, for the link's time
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer || data);
    const { header, body } = parse(bytes);
    if (header.deflate || s.inflating) {
      // In arrival order: a plain batch waits for a compressed one before it.
      s.inflating += 1;
      s.chain = s.chain
        .then(() => (header.deflate ? inflate(body) : body))
        .then((raw) => { if (header.deflate) s.stats.deflated += 1; accept(s, header, raw, now); })
        .catch((error) => console.error("nnviz playground: a batch could not be read", error))
        .finally(() => { s.inflating -= 1; });
    } else {
      accept(s, header, body, now);
    }
  }
  if (!s.raf) loop(s);
  return () => { if (s.raf) cancelAnimationFrame(s.raf); s.raf = 0; };
}

function accept(s, header, body, now) {
  const f32 = (offset, n) => new Float32Array(body.slice(offset, offset + 4 * n).buffer);
  const u8 = (offset, n) => body.subarray(offset, offset + n);
  useConstants(s, header.constants);
  s.header = header;
  s.stats.batches += 1;
  s.stats.points = header.n_points;
  s.stats.addClass = header.add_class;
  s.outCaption.textContent = header.caption;
  s.inputs = u8(header.inputs_offset, header.sizes[0] * header.thumb * header.thumb);
  const n = header.n_points;
  s.points = { n, xy: f32(header.points_offset, 2 * n), label: u8(header.points_offset + 8 * n, n),
               flags: u8(header.points_offset + 9 * n, n) };
  const res2 = header.res * header.res, tt = header.thumb * header.thumb;
  const frames = header.frames.map((f) => {
    let o = f.offset;
    const output = u8(o, res2); o += res2;
    let conf = null;
    if (header.mode === "multi") { conf = u8(o, res2); o += res2; }
    const hidden = u8(o, header.n_hidden * tt); o += header.n_hidden * tt;
    const weights = f32(o, header.n_weights);
    return { ...f, output, conf, hidden, weights };
  });
  if (header.run !== s.run || header.replace) {
    s.queue = [];
    if (header.run !== s.run) s.lossHistory = (header.history || []).slice();
    s.run = header.run;
    if (header.replace) {
      s.lossHistory = (header.history || []).slice(0, -1);
    }
    if (frames.length) show(s, frames.pop());
  }
  // Spread each batch over the time until the next one is due: smooth motion at 30 frames/s when the
  // server keeps up, evenly slower (never bursts and stalls) when it is busy.
  if (!header.replace && s.lastBatch && frames.length) {
    const gap = Math.min(2000, now - s.lastBatch);
    s.batchGap = s.batchGap ? 0.7 * s.batchGap + 0.3 * gap : gap;
    s.frameMs = Math.max(s.c.frameMs, Math.min(250, 0.95 * s.batchGap / frames.length));
  }
  s.lastBatch = header.replace ? 0 : now;
  s.queue.push(...frames);
  plan(s, header, header.frames.length, now);
}
