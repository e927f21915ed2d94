// The in-page widgets: the KV-cache calculator and the mask explorer.
//
// hooks/widgets.py writes each widget as <div data-course-widget="KIND"> holding a
// JSON script with its text (in the page's language) and, for the calculator, the
// model presets of llmtriad.memory. The formulas below are those of llmtriad.memory
// and llmtriad.masks; tests/test_widgets.py checks the two agree on a table of cases.
// A wrong input never draws NaN: the widget shows a message and keeps the last result
// hidden until the input is right again.
(function () {
  "use strict";

  // --- Shared: reading and checking numbers -----------------------------------------

  function format(template, fields) {
    return template.replace(/\{(\w+)\}/g, (_, key) => String(fields[key]));
  }

  // A whole number within [min, max], or an error message; `optional` allows empty.
  function readInteger(input, text, { min = 0, max = 1e9, optional = false } = {}) {
    const raw = input.value.trim();
    const field = input.dataset.label;
    if (raw === "") return optional ? { value: null } : { error: format(text.empty, { field }) };
    if (!/^[+-]?\d+$/.test(raw)) return { error: format(text.not_integer, { field }) };
    const value = Number(raw);
    if (value < 0) return { error: format(text.negative, { field }) };
    if (value < min) return { error: format(text.too_small, { field, min }) };
    if (value > max) return { error: format(text.too_large, { field, max: max.toLocaleString(text.locale) }) };
    return { value };
  }

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function field(id, label, input) {
    input.id = id;
    input.dataset.label = label;
    return element("div", { class: "course-widget__field" }, [element("label", { for: id, text: label }), input]);
  }

  function numberInput(value) {
    return element("input", { type: "text", inputmode: "numeric", value: String(value), autocomplete: "off" });
  }

  function select(options, value) {
    const node = element("select");
    for (const [key, label] of options) node.append(element("option", { value: key, text: label }));
    node.value = value;
    return node;
  }

  // --- The KV-cache calculator (llmtriad.memory) ------------------------------------------

  // Bytes of `elements` numbers of `bits` bits, exactly (BigInt), or null if they leave half a byte.
  function storedBytes(elements, bits) {
    const totalBits = elements * BigInt(bits);
    return totalBits % 8n === 0n ? totalBits / 8n : null;
  }

  // llmtriad.memory.kv_cache_bytes and mla_cache_bytes.
  function cacheBytes(shape, tokens, batch, bits) {
    const t = BigInt(tokens);
    const b = BigInt(batch);
    if (shape.latent_dim > 0) {
      return storedBytes(BigInt(shape.layers) * b * t * BigInt(shape.latent_dim + shape.rope_dim), bits);
    }
    const cached = shape.window === null || shape.window === undefined ? t : (t < BigInt(shape.window) ? t : BigInt(shape.window));
    return storedBytes(2n * BigInt(shape.layers) * b * BigInt(shape.kv_heads) * cached * BigInt(shape.head_dim), bits);
  }

  function binarySize(bytes, locale) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = Number(bytes);
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
    return value.toLocaleString(locale, { maximumFractionDigits: digits }) + " " + units[unit];
  }

  function kvCalculator(root, data) {
    const text = { ...data.text, locale: data.language };
    const id = (name) => "kv-" + name;
    const presets = data.presets;
    const model = select([...presets.map((p) => [p.id, p.name]), ["custom", text.custom]], "llama-3-8b");
    const attention = select([["standard", text.standard], ["latent", text.latent]], "standard");
    const inputs = {
      layers: numberInput(32), query_heads: numberInput(32), kv_heads: numberInput(8), head_dim: numberInput(128),
      window: numberInput(""), latent_dim: numberInput(512), rope_dim: numberInput(64),
      context: numberInput(8192), batch: numberInput(1),
    };
    const bits = select([["16", text.bits_16], ["8", text.bits_8], ["4", text.bits_4]], "16");
    const gpu = select(data.gpus.map((g, i) => [String(i), g.name]), "0");
    const custom = element("fieldset", { class: "course-widget__custom" }, [
      field(id("attention"), text.attention, attention),
      field(id("layers"), text.layers, inputs.layers),
      field(id("query-heads"), text.query_heads, inputs.query_heads),
      field(id("kv-heads"), text.kv_heads, inputs.kv_heads),
      field(id("head-dim"), text.head_dim, inputs.head_dim),
      field(id("window"), text.window, inputs.window),
      field(id("latent-dim"), text.latent_dim, inputs.latent_dim),
      field(id("rope-dim"), text.rope_dim, inputs.rope_dim),
    ]);
    const message = element("p", { class: "course-widget__message", role: "alert" });
    const result = element("dl", { class: "course-widget__result" });
    const formula = element("p", { class: "course-widget__formula" });
    root.append(
      element("p", { class: "course-widget__title", text: text.title }),
      element("div", { class: "course-widget__fields" }, [
        field(id("model"), text.model, model), field(id("bits"), text.bits, bits),
        field(id("context"), text.context, inputs.context), field(id("batch"), text.batch, inputs.batch),
        field(id("gpu"), text.gpu, gpu),
      ]),
      custom, message, result, formula,
    );

    function shapeOrError() {
      if (model.value !== "custom") return { shape: presets.find((p) => p.id === model.value) };
      const latent = attention.value === "latent";
      const names = latent ? ["layers", "latent_dim", "rope_dim"] : ["layers", "query_heads", "kv_heads", "head_dim"];
      const values = {};
      for (const name of names) {
        const read = readInteger(inputs[name], text, { min: name === "rope_dim" ? 0 : 1, max: 100000 });
        if (read.error) return read;
        values[name] = read.value;
      }
      if (latent) return { shape: { layers: values.layers, latent_dim: values.latent_dim, rope_dim: values.rope_dim } };
      if (values.query_heads % values.kv_heads !== 0) {
        return { error: format(text.heads_divide, { query: values.query_heads, kv: values.kv_heads }) };
      }
      const window = readInteger(inputs.window, text, { min: 1, max: 1e9, optional: true });
      if (window.error) return window;
      return { shape: { layers: values.layers, kv_heads: values.kv_heads, head_dim: values.head_dim,
                        window: window.value, latent_dim: 0, rope_dim: 0 } };
    }

    function update() {
      const isCustom = model.value === "custom";
      custom.hidden = !isCustom;
      const latent = attention.value === "latent";
      for (const name of ["query_heads", "kv_heads", "head_dim", "window"]) inputs[name].parentElement.hidden = latent;
      for (const name of ["latent_dim", "rope_dim"]) inputs[name].parentElement.hidden = !latent;

      const { shape, error } = shapeOrError();
      const context = error ? {} : readInteger(inputs.context, text, { max: 1e9 });
      const batch = error || context.error ? {} : readInteger(inputs.batch, text, { min: 1, max: 1e6 });
      const problem = error || context.error || batch.error;
      const sizes = problem ? null : [1, context.value, 8192, 100000].map((n, k) =>
        cacheBytes(shape, n, k === 0 ? 1 : batch.value, Number(bits.value)));  // per token: one sequence
      const odd = sizes && sizes.some((s) => s === null);
      message.textContent = problem || (odd ? text.odd_int4 : "");
      result.hidden = Boolean(problem || odd);
      root.dataset.bytes = problem || odd ? "" : String(sizes[1]);
      if (result.hidden) return;
      const locale = data.language;
      const card = data.gpus[Number(gpu.value)];
      const share = Number(sizes[1]) / card.bytes;
      const shareText = share.toLocaleString(locale, { style: "percent", maximumFractionDigits: share < 0.01 ? 2 : 0 });
      const rows = [
        [text.per_token, binarySize(sizes[0], locale)],
        [text.total, binarySize(sizes[1], locale) + " (" + sizes[1].toLocaleString(locale) + " B)"],
        [text.at_8k, binarySize(sizes[2], locale)],
        [text.at_100k, binarySize(sizes[3], locale)],
      ];
      result.replaceChildren(...rows.flatMap(([term, value]) => [element("dt", { text: term }), element("dd", { text: value })]));
      result.append(element("dd", { class: share <= 1 ? "course-widget__fits" : "course-widget__too-big",
        text: format(share <= 1 ? text.fits : text.does_not_fit, { gpu: card.name, share: shareText }) }));
      formula.textContent = shape.latent_dim > 0 ? text.formula_latent : text.formula;
    }

    root.addEventListener("input", update);
    root.addEventListener("change", update);
    update();
  }

  // --- The mask explorer (llmtriad.masks) ---------------------------------------------------

  // Each rule takes the parameters and returns rows of booleans: query i (row) may attend to key j.
  const MASKS = {
    bidirectional: ({ length }) => grid(length, length, () => true),
    causal: ({ queries, keys, align }) => {
      const offset = align === "bottom_right" ? keys - queries : 0;
      return grid(queries, keys, (i, j) => j <= i + offset);
    },
    prefix: ({ length, prefix_len }) => grid(length, length, (i, j) => j < prefix_len || j <= i),
    sliding: ({ length, window }) => grid(length, length, (i, j) => j <= i && j > i - window),
    cross: ({ decoder_len, encoder_len, encoder_real }) => grid(decoder_len, encoder_len, (i, j) => j < encoder_real),
    block: ({ seq_len, block_size }) => {
      const n = seq_len;
      return grid(2 * n, 2 * n, (q, k) => {
        const qClean = q >= n, kClean = k >= n;
        const qBlock = Math.floor((q % n) / block_size), kBlock = Math.floor((k % n) / block_size);
        return (qBlock === kBlock && qClean === kClean) || (!qClean && kClean && kBlock < qBlock) ||
               (qClean && kClean && kBlock <= qBlock);
      });
    },
  };
  const PARAMETERS = {
    bidirectional: [["length", 8, 1]],
    causal: [["queries", 3, 0], ["keys", 8, 0]],
    prefix: [["length", 8, 0], ["prefix_len", 3, 0]],
    sliding: [["length", 8, 0], ["window", 3, 1]],
    cross: [["decoder_len", 4, 0], ["encoder_len", 6, 1], ["encoder_real", 4, 1]],
    block: [["seq_len", 8, 1], ["block_size", 2, 1]],
  };
  const MAX_SIDE = 32;

  function grid(rows, columns, rule) {
    return Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => rule(i, j)));
  }

  function maskExplorer(root, data) {
    const text = { ...data.text, locale: data.language };
    const kind = select(Object.keys(MASKS).map((k) => [k, text[k]]), "causal");
    const align = select([["bottom_right", text.bottom_right], ["top_left", text.top_left]], "bottom_right");
    const inputs = {};
    const fields = element("div", { class: "course-widget__fields" }, [field("mask-kind", text.mask, kind)]);
    for (const name of new Set(Object.values(PARAMETERS).flat().map(([n]) => n))) {
      const start = Object.values(PARAMETERS).flat().find(([n]) => n === name)[1];
      inputs[name] = numberInput(start);
      fields.append(field("mask-" + name.replace("_", "-"), text[name], inputs[name]));
    }
    fields.append(field("mask-align", text.align, align));
    const message = element("p", { class: "course-widget__message", role: "alert" });
    const note = element("p", { class: "course-widget__note" });
    const matrix = element("div", { class: "course-widget__matrix", role: "img" });
    const summary = element("p", { class: "course-widget__summary" });
    root.append(element("p", { class: "course-widget__title", text: text.title }), fields, message, note, matrix,
                summary, element("p", { class: "course-widget__legend", text: text.legend }));

    function parametersOrError() {
      const values = { align: align.value };
      for (const [name, , min] of PARAMETERS[kind.value]) {
        const read = readInteger(inputs[name], text, { min, max: kind.value === "block" ? MAX_SIDE / 2 : MAX_SIDE });
        if (read.error) return { error: read.error };
        values[name] = read.value;
      }
      if (kind.value === "prefix" && values.prefix_len > values.length) {
        return { error: format(text.too_large, { field: text.prefix_len, max: values.length }) };
      }
      if (kind.value === "cross" && values.encoder_real > values.encoder_len) {
        return { error: format(text.too_large, { field: text.encoder_real, max: values.encoder_len }) };
      }
      if (kind.value === "block" && values.seq_len % values.block_size !== 0) {
        return { error: format(text.not_multiple, { n: values.seq_len, size: values.block_size }) };
      }
      return { values };
    }

    function update() {
      const used = new Set(PARAMETERS[kind.value].map(([n]) => n));
      for (const [name, input] of Object.entries(inputs)) input.parentElement.hidden = !used.has(name);
      align.parentElement.hidden = kind.value !== "causal";
      const { values, error } = parametersOrError();
      message.textContent = error || "";
      matrix.hidden = summary.hidden = Boolean(error);
      note.textContent = "";
      if (error) {
        root.dataset.mask = "";
        return;
      }
      const rows = MASKS[kind.value](values);
      if (kind.value === "sliding" && values.window >= values.length) note.textContent = text.window_covers;
      if (kind.value === "causal" && values.align === "bottom_right" && values.queries > values.keys) {
        note.textContent = format(text.rows_empty, { rows: values.queries - values.keys });
      }
      const columns = rows.length ? rows[0].length : 0;
      matrix.style.setProperty("--columns", String(Math.max(columns, 1)));
      matrix.replaceChildren(...rows.flat().map((on) => element("span", { class: on ? "on" : "off" })));
      const visible = rows.flat().filter(Boolean).length;
      summary.textContent = format(text.summary, {
        visible: visible.toLocaleString(data.language), total: (rows.length * columns).toLocaleString(data.language),
      });
      matrix.setAttribute("aria-label", summary.textContent);
      root.dataset.mask = rows.map((row) => row.map((on) => (on ? "1" : "0")).join("")).join("/");
    }

    root.addEventListener("input", update);
    root.addEventListener("change", update);
    update();
  }

  // --- Start every widget on the page -------------------------------------------------------

  window.courseWidgets = { element, format };  // for progress.js

  const WIDGETS = { "kv-calculator": kvCalculator, "mask-explorer": maskExplorer };
  for (const root of document.querySelectorAll("[data-course-widget]")) {
    const start = WIDGETS[root.dataset.courseWidget];
    if (!start) continue;  // another script's widget (progress.js)
    start(root, JSON.parse(root.querySelector("script[type='application/json']").textContent));
    root.dataset.ready = "true";
  }
})();
