// The preview page: shows WeasyPrint's own pages as pictures with a text
// layer, and swaps in new ones when the server says the files changed.
// Everything from the server is put in the page as text, never as markup.
"use strict";

const VIEW_KEYS = ["audience", "meeting", "distribution", "length", "country", "language"];
const controls = {};
let options = null;
let shownVersion = null;
let refreshing = false;
let refreshAgain = false;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function readAddress() {
  const query = new URLSearchParams(location.search);
  const view = {};
  for (const key of VIEW_KEYS) view[key] = query.get(key) || "";
  return { view, compare: query.get("compare") || "" };
}

let { view, compare } = readAddress();

function query(forView) {
  const parameters = new URLSearchParams();
  for (const key of VIEW_KEYS) if (forView[key]) parameters.set(key, forView[key]);
  return parameters.toString();
}

function comparedView() {
  if (!compare) return null;
  const [kind, id] = compare.split(":");
  return { audience: kind === "audience" ? id : "", meeting: kind === "meeting" ? id : "",
           distribution: view.distribution, length: view.length, country: view.country,
           language: view.language };
}

function remember() {
  const parameters = new URLSearchParams(query(view));
  if (compare) parameters.set("compare", compare);
  const address = parameters.toString();
  history.replaceState(null, "", address ? `?${address}` : location.pathname);
}

async function describe(forView) {
  const response = await fetch(`/preview.json?${query(forView)}`, { cache: "no-store" });
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function setStatus(text, kind) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = `status ${kind || ""}`;
}

function fillSelect(select, entries, chosen) {
  select.replaceChildren(...entries.map(([value, label]) => {
    const option = element("option", "", label);
    option.value = value;
    return option;
  }));
  select.value = chosen;
}

function fillControls(description) {
  if (!description.options) return;
  options = description.options;
  const effective = description.view || {};
  // A tree of several countries: choose which one the preview shows.
  document.getElementById("country-choice").hidden = options.countries.length < 2;
  fillSelect(controls.country, options.countries.map((c) => [c.id, c.name]),
             view.country || options.country);
  const audiences = options.audiences.map((a) => [a.id, `${a.name} (${a.id})`]);
  fillSelect(controls.audience, audiences, effective.audience || view.audience);
  controls.audience.disabled = Boolean(view.meeting);
  fillSelect(controls.meeting, [["", "None: a general briefing"],
    ...options.meetings.map((m) => [m.id, `${m.date} ${m.title}`])], view.meeting);
  fillSelect(controls.distribution, [["", `Default (${effective.distribution || "public"})`],
    ...options.distributions.map((d) => [d, d])], view.distribution);
  fillSelect(controls.length, [["", `Default (${effective.length || "full"})`],
    ...options.lengths.map((l) => [l, l])], view.length);
  fillSelect(controls.language, [["", `The audience's (${effective.language || "en-GB"})`],
    ...options.languages.map((l) => [l, l])], view.language);
  fillSelect(controls.compare, [["", "Nothing"],
    ...options.audiences.map((a) => [`audience:${a.id}`, `Audience: ${a.name}`]),
    ...options.meetings.map((m) => [`meeting:${m.id}`, `Meeting: ${m.title}`])], compare);
}

function showProblems(problems, current) {
  const section = document.getElementById("problems");
  section.hidden = problems.length === 0;
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  document.getElementById("problems-title").textContent =
    `${count}: showing the last good preview until ${problems.length === 1 ? "it is" : "they are"} fixed`;
  document.getElementById("problem-list").replaceChildren(...problems.map((problem) => {
    const item = element("li", "problem");
    if (problem.href) {
      const link = element("a", "", problem.where);
      link.href = problem.href;
      item.append(link, `: ${problem.message}`);
    } else {
      item.textContent = problem.message;
    }
    return item;
  }));
  setStatus(current ? "Up to date" : count, current ? "" : "failing");
}

function warningLink(warning) {
  const link = element("a", "", warning.where);
  link.href = warning.href;
  return link;
}

function showWarnings(warnings) {
  const panel = document.getElementById("warnings");
  panel.hidden = warnings.length === 0;
  const placed = warnings.filter((w) => w.page).length;
  document.getElementById("warnings-title").textContent =
    `${warnings.length} warning${warnings.length === 1 ? "" : "s"} (${placed} beside the pages shown)`;
  document.getElementById("warning-list").replaceChildren(...warnings.map((warning) => {
    const item = element("li", "warning");
    item.append(warningLink(warning), `: ${warning.message}`);
    if (warning.page) item.append(element("span", "where-shown", ` (page ${warning.page})`));
    return item;
  }));
}

function textLayer(page) {
  const layer = element("div", "text-layer");
  const aspect = page.height / page.width;
  for (const [text, left, top, width, height] of page.runs) {
    const span = element("span", "", text);
    span.style.left = `${left * 100}%`;
    span.style.top = `${top * 100}%`;
    // cqw: a hundredth of the sheet's width, so the text scales with the picture.
    span.style.fontSize = `${height * aspect * 100 * 0.92}cqw`;
    span.dataset.width = width;
    layer.append(span);
  }
  return layer;
}

function fitText(sheets) {
  // Read every width first, then write: one layout, not one per line.
  const spans = sheets.flatMap((sheet) => [...sheet.querySelectorAll(".text-layer span")]);
  const sizes = spans.map((span) => [span.getBoundingClientRect().width, span.parentNode.clientWidth]);
  spans.forEach((span, index) => {
    const [natural, sheetWidth] = sizes[index];
    if (natural > 0) span.style.transform = `scaleX(${(span.dataset.width * sheetWidth) / natural})`;
  });
}

function placeNotes(row, notes) {
  let below = 0;
  for (const note of notes) {
    const wanted = note.offsetTop;
    if (wanted < below) note.style.top = `${below}px`;
    below = note.offsetTop + note.offsetHeight + 4;
  }
}

function pageRows(document_, warnings, pictures) {
  const total = document_.pages.length;
  return document_.pages.map((page, index) => {
    const number = index + 1;
    const row = element("div", "page-row");
    const sheet = element("div", "sheet");
    sheet.style.aspectRatio = `${page.width} / ${page.height}`;
    // A page that looks as before keeps its picture, already decoded.
    const picture = pictures.get(page.image) || element("img");
    pictures.delete(page.image);
    picture.src = page.image;
    picture.alt = `Page ${number} of ${total}`;
    sheet.append(picture, textLayer(page));
    const notes = element("div", "notes");
    for (const warning of warnings.filter((w) => w.page === number)) {
      const marker = element("div", "marker");
      marker.style.top = `${warning.top * 100}%`;
      sheet.append(marker);
      const note = element("div", warning.untranslated ? "note untranslated" : "note");
      note.style.top = `${warning.top * 100}%`;
      note.append(warningLink(warning), warning.message.replace(/^warning: /, ""));
      notes.append(note);
    }
    row.append(sheet, notes);
    const footer = element("div", "page-number", `Page ${number} of ${total}`);
    const wrapper = element("div", "page");
    wrapper.append(row, footer);
    return wrapper;
  });
}

function downloadButton(forView, download, primary, current) {
  // While the files as saved have problems, a download is the last good version, and says so.
  const label = current ? download.label : `${download.label} (last good version)`;
  const link = element("a", primary ? "button" : "button secondary", label);
  link.href = `${download.href}?${query(forView)}`;
  link.setAttribute("download", "");
  return link;
}

function column(forView, description, problemShown, pictures) {
  const root = element("section", "column");
  const document_ = description.document;
  if (!document_) {
    root.append(element("p", "empty", problemShown ? "No preview yet: fix the problems above."
                                                   : "Nothing to show."));
    return root;
  }
  const head = element("div", "column-head");
  head.append(element("h2", "", document_.audience),
              element("span", "meta", `${document_.classification} · ${document_.pages.length} pages`),
              element("span", "subtitle", document_.subtitle));
  if (!description.current) head.append(element("span", "stale-note", "last good version"));
  for (const warning of description.left_out) {
    const notice = element("p", "left-out");
    notice.append(warningLink(warning), ` ${warning.message.replace(/^warning: /, "")}`);
    head.append(notice);
  }
  if (description.cut.length) {
    head.append(element("p", "cut", `Left out to fit its pages: ${description.cut.join(", ")}.`));
  }
  const downloads = element("span", "downloads");
  downloads.append(...description.downloads.map(
    (download, index) => downloadButton(forView, download, index === 0, description.current)));
  head.append(downloads);
  root.dataset.document = document_.key;
  root.append(head, ...pageRows(document_, description.warnings, pictures));
  return root;
}

function linesOf(description) {
  const pages = description.document ? description.document.pages : [];
  return new Set(pages.flatMap((page) => page.runs.map(([text]) => text.replace(/\s+/g, " ").trim())));
}

function markDifferences(columns, descriptions) {
  // Each line one briefing prints and the other does not is highlighted where it stands on the page.
  const lines = descriptions.map(linesOf);
  columns.forEach((root, index) => {
    const other = lines[1 - index];
    let differing = 0;
    root.querySelectorAll(".text-layer span").forEach((span) => {
      const text = span.textContent.replace(/\s+/g, " ").trim();
      if (text && !other.has(text)) {
        span.classList.add("differs");
        differing += 1;
      }
    });
    const head = root.querySelector(".column-head");
    if (head) head.append(element("span", "difference-count", `${differing} lines not in the other briefing`));
  });
}

async function refresh() {
  setStatus("Updating…", "busy");
  const views = [view, comparedView()].filter(Boolean);
  let descriptions;
  try {
    descriptions = await Promise.all(views.map(describe));
  } catch (error) {
    setStatus(String(error.message || error).trim(), "failing");
    return;
  }
  const [first] = descriptions;
  fillControls(first);
  const problems = [];
  const seen = new Set();
  for (const description of descriptions) {
    for (const problem of description.problems) {
      const key = `${problem.where}\n${problem.message}`;
      if (!seen.has(key)) { seen.add(key); problems.push(problem); }
    }
  }
  const pictures = new Map([...document.querySelectorAll(".sheet img")].map((p) => [p.getAttribute("src"), p]));
  const columns = views.map((forView, index) => column(forView, descriptions[index], problems.length > 0, pictures));
  // Swap only once every new picture is ready, so the page never blinks.
  await Promise.all(columns.flatMap((c) => [...c.querySelectorAll("img")]).map(
    (picture) => picture.decode().catch(() => undefined)));
  const container = document.getElementById("columns");
  container.replaceChildren(...columns);
  container.classList.toggle("comparing", columns.length > 1);
  for (const row of container.querySelectorAll(".notes")) placeNotes(row, [...row.children]);
  if (columns.length > 1) markDifferences(columns, descriptions);
  // The text layer is invisible: fitting it to the pictures can wait a frame.
  requestAnimationFrame(() => fitText(columns));
  showProblems(problems, descriptions.every((d) => d.current));
  showWarnings(first.warnings);
  shownVersion = Math.min(...descriptions.map((d) => d.version));
  document.body.dataset.version = String(shownVersion);
  const now = new Date();
  document.body.dataset.updatedAt = String(now.getTime());
  document.getElementById("status").title = `Last updated at ${now.toLocaleTimeString()}`;
}

function scheduleRefresh() {
  if (refreshing) { refreshAgain = true; return; }
  refreshing = true;
  refresh().finally(() => {
    refreshing = false;
    if (refreshAgain) { refreshAgain = false; scheduleRefresh(); }
  });
}

function listen() {
  const events = new EventSource("/events");
  events.onmessage = (event) => {
    if (Number(event.data) !== shownVersion) scheduleRefresh();
  };
  // After a reconnection the server may have restarted, with versions counted anew.
  events.onopen = () => { if (shownVersion !== null) scheduleRefresh(); };
  events.onerror = () => setStatus("Server stopped? Reconnecting…", "failing");
}

function start() {
  for (const key of [...VIEW_KEYS, "compare"]) controls[key] = document.getElementById(key);
  controls.country.addEventListener("change", () => {
    view = { audience: "", meeting: "", distribution: view.distribution, length: view.length,
             country: controls.country.value, language: view.language };
    compare = "";
    update();
  });
  controls.audience.addEventListener("change", () => { view.audience = controls.audience.value; update(); });
  controls.meeting.addEventListener("change", () => {
    view.meeting = controls.meeting.value;
    if (view.meeting) view.audience = "";
    update();
  });
  controls.distribution.addEventListener("change", () => { view.distribution = controls.distribution.value; update(); });
  controls.length.addEventListener("change", () => { view.length = controls.length.value; update(); });
  controls.language.addEventListener("change", () => { view.language = controls.language.value; update(); });
  controls.compare.addEventListener("change", () => { compare = controls.compare.value; update(); });
  const toggle = document.getElementById("toolbar-toggle");
  const fold = (folded) => {
    document.querySelector(".toolbar").classList.toggle("folded", folded);
    toggle.setAttribute("aria-expanded", String(!folded));
  };
  toggle.addEventListener("click", () => fold(toggle.getAttribute("aria-expanded") === "true"));
  // On a narrow screen the page comes first: the options wait behind their button.
  fold(window.matchMedia("(max-width: 700px)").matches);
  listen();
}

function update() {
  remember();
  scheduleRefresh();
}

document.addEventListener("DOMContentLoaded", start);
