// The emulator's console: polls /_emulator/* once a second and renders it.
// Every text from the emulator goes into the page as text nodes, never as markup.
"use strict";

const POLL_MS = 1000;
const MAX_REQUESTS = 2000;
const state = {
  view: "chats",
  bots: [], webhooks: [], clients: [], inProgress: {}, templates: [], installed: [],
  chats: [], agents: [], requests: [], lastSeq: 0, openRequests: new Set(),
  deliveries: null, faults: [],
  // What the user unfolded, kept across the re-renders polling causes.
  openChats: new Set(), openDeliveries: new Set(),
  myChat: sessionStorage.getItem("lcbot-console-chat") || "",
  seen: {},
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "width") node.style.width = v; // CSSOM: the page's CSP refuses style attributes
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch("/_emulator/" + path, init);
  const doc = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((doc.error && doc.error.message) || "HTTP " + res.status);
  return doc;
}

function showError(id, e) {
  const p = $(id);
  p.textContent = e ? String(e.message || e) : "";
  p.hidden = !e;
}

// Renders `build()` into `container` only when `key` changed since last time.
function renderIfChanged(name, key, build) {
  if (state.seen[name] === key) return;
  state.seen[name] = key;
  build();
}

function time(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function botName(id) {
  const bot = state.bots.find((b) => b.id === id);
  const agent = state.agents.find((a) => a.id === id);
  return bot ? bot.name : agent ? agent.name + " (agent)" : id;
}

// The human agent a chat is with, if it is with one.
function humanOf(chat) {
  return chat && state.agents.find((a) => a.id === chat.bot_id);
}

function badge(text, kind) {
  return el("span", { class: "badge " + (kind || text) }, text);
}

// ---- views ----

function showView(name) {
  if (!["chats", "bots", "requests", "deliveries", "faults"].includes(name)) name = "chats";
  state.view = name;
  for (const section of document.querySelectorAll("main > .view")) section.hidden = section.id !== "view-" + name;
  for (const a of document.querySelectorAll(".top nav a")) a.classList.toggle("active", a.dataset.view === name);
}

// ---- chats ----

// A chat's events and routing, in time order.
function timeline(chat) {
  const items = chat.transcript.map((e) => ({ at: Date.parse(e.created_at) || 0, event: e }));
  for (const r of chat.routing) items.push({ at: r.time_ms, routing: r });
  items.sort((a, b) => a.at - b.at);
  return items;
}

function routingText(r) {
  switch (r.what) {
    case "assigned": return "assigned to " + botName(r.bot_id);
    case "transferred": return r.bot_id ? "transferred to " + botName(r.bot_id) : "transferred: waiting in the queue";
    case "queued": return "queued: no bot can take it now";
    case "closed": return "closed";
    default: return r.what;
  }
}

// A rich message as the customer sees it: each card's title, subtitle and
// image, and its buttons (quick replies as chips). In the customer's chat
// box (`press` set) a button is pressed by a click.
function richMessage(chat, e, press) {
  const quick = e.template_id === "quick_replies";
  return el("div", { class: "rich " + (quick ? "quick-replies" : "cards"), "data-template": e.template_id },
    (e.elements || []).map((card) => el("div", { class: quick ? "rich-element" : "rich-element rich-card" },
      card.title && el("div", { class: "rich-title" }, card.title),
      card.subtitle && el("div", { class: "rich-subtitle muted" }, card.subtitle),
      card.image && el("div", { class: "rich-image muted" }, "image: " + (card.image.alternative_text || card.image.name || card.image.url)),
      el("div", { class: "rich-buttons" }, (card.buttons || []).map((b) => {
        const pressed = (b.user_ids || []).includes(chat.customer_id);
        const title = b.type === "message" ? "says: " + b.value : b.type + ": " + b.value;
        return el("button", { type: "button", class: "small rich-button" + (pressed ? " pressed" : ""), title,
          "data-postback": b.postback_id, disabled: !press,
          onclick: press ? () => press(e.event_id, b.postback_id) : undefined }, b.text);
      })))));
}

function transcriptItems(chat, press) {
  return timeline(chat).map((item) => {
    if (item.routing) return el("li", { class: "routing" }, "— " + routingText(item.routing) + " · " + time(item.routing.time_ms) + " —");
    const e = item.event;
    const who = e.author_type === "customer" ? "Customer" : e.author_type === "bot" ? botName(e.author_id) + " (bot)" : botName(e.author_id);
    const text = e.elements ? richMessage(chat, e, press) : e.text !== null && e.text !== undefined ? e.text : "[" + e.type + "]";
    return el("li", { class: e.author_type, "data-author": e.author_type, "data-event": e.event_id },
      el("span", { class: "who" }, who + (e.visibility === "agents" ? " · agents only" : "") + (e.postback ? " · pressed " + e.postback.id : "")), text);
  });
}

// "typing...", "thinking..." or the preview the bot shows now, if any.
function indicatorText(chat) {
  const i = chat.talk && chat.talk.indicator;
  if (!i) return "";
  const who = botName(i.author_id);
  if (i.kind === "thinking") return `${who} is thinking…` + (i.title ? " " + i.title : "");
  if (i.kind === "preview") return `${who} is writing: ${i.title || ""}`;
  return `${who} is typing…`;
}

// The chat's tags (every thread's) and properties, as one line.
function talkText(chat) {
  const t = chat.talk || {};
  const tags = Object.values(t.tags || {}).flat();
  const props = Object.entries(t.properties || {}).flatMap(([ns, kv]) => Object.entries(kv).map(([k, v]) => `${ns}.${k}=${JSON.stringify(v)}`));
  return [tags.length ? "tags: " + tags.join(", ") : "", props.length ? "properties: " + props.join(", ") : ""].filter(Boolean).join(" · ");
}

function renderChats() {
  const chats = state.chats;
  $("chats-empty").hidden = chats.length > 0;
  const open = chats.filter((c) => c.state !== "closed").length;
  $("chat-summary").textContent = chats.length ? `${open} open of ${chats.length}` : "";
  const list = $("chat-list");
  list.replaceChildren(...chats.slice().reverse().map((chat) => {
    const mine = chat.chat_id === state.myChat;
    const bot = chat.bot_id ? botName(chat.bot_id) : "no bot";
    return el("li", { class: "card" + (mine ? " selected" : ""), "data-chat": chat.chat_id },
      el("div", { class: "card-head" },
        el("span", { class: "title mono" }, chat.chat_id), badge(chat.state),
        el("span", { class: "muted" }, `group ${chat.group_id} · ${bot}`),
        talkText(chat) && el("span", { class: "muted talk" }, talkText(chat)),
        mine ? el("span", { class: "muted" }, "(in the chat box)")
          : chat.state !== "closed" && el("button", { class: "small secondary", type: "button", onclick: () => pickChat(chat.chat_id) }, "Write as customer")),
      el("details", { open: mine || chats.length <= 3 || state.openChats.has(chat.chat_id),
        ontoggle: (e) => { if (e.target.open) state.openChats.add(chat.chat_id); else state.openChats.delete(chat.chat_id); } },
        el("summary", {}, `${chat.transcript.length} ${chat.transcript.length === 1 ? "event" : "events"}`),
        el("ol", { class: "transcript" }, transcriptItems(chat))));
  }));
  renderChatbox();
}

function renderChatbox() {
  const chat = state.chats.find((c) => c.chat_id === state.myChat);
  const active = !!chat && chat.state !== "closed";
  $("send-text").disabled = !active;
  $("send-button").disabled = !active;
  $("close-button").disabled = !active;
  if (!chat) {
    $("seat-form").hidden = true;
    $("chatbox-head").textContent = "No chat yet: pick a group and start one, or pick a chat in the list.";
    $("chatbox-transcript").replaceChildren();
    return;
  }
  const who = chat.bot_id ? "with " + botName(chat.bot_id) : chat.state === "queued" ? "waiting for a bot or an agent" : "";
  $("chatbox-head").replaceChildren("Chat ", el("span", { class: "mono" }, chat.chat_id), " ", badge(chat.state), " ", who);
  // The agent's seat: a chat handed to a human is answered here as them.
  const human = active && humanOf(chat);
  $("seat-form").hidden = !human;
  $("seat-name").textContent = human ? human.name : "";
  const box = $("chatbox-transcript");
  const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const press = active ? (eventId, postbackId) => pressButton(chat.chat_id, eventId, postbackId) : null;
  const indicator = indicatorText(chat);
  const items = transcriptItems(chat, press);
  if (indicator) items.push(el("li", { class: "indicator muted", id: "indicator" }, indicator));
  box.replaceChildren(...items);
  if (atEnd) box.scrollTop = box.scrollHeight;
}

async function pressButton(chatId, eventId, postbackId) {
  try {
    await api("chats/press", { chat_id: chatId, event_id: eventId, button_id: postbackId });
    showError("chatbox-error", null);
    await poll();
  } catch (e) {
    showError("chatbox-error", e);
  }
}

function pickChat(id) {
  state.myChat = id;
  sessionStorage.setItem("lcbot-console-chat", id);
  state.seen.chats = null;
  renderChats();
  $("send-text").focus();
}

function renderGroups() {
  const groups = new Set([0]);
  for (const b of state.bots) for (const g of b.groups || []) groups.add(g.id);
  const select = $("start-group");
  const key = [...groups].sort((a, b) => a - b).join(",");
  if (select.dataset.key === key) return;
  const chosen = select.value;
  select.dataset.key = key;
  select.replaceChildren(...key.split(",").map((g) => {
    const names = state.bots.filter((b) => (b.groups || []).some((x) => String(x.id) === g)).map((b) => b.name);
    return el("option", { value: g }, `${g}${names.length ? " (" + names.join(", ") + ")" : ""}`);
  }));
  if (chosen) select.value = chosen;
}

// ---- bots ----

function webhookLines(bot) {
  const lines = [];
  const config = bot.webhooks;
  if (config && config.url) {
    const actions = (config.actions || []).map((a) => a.name).join(", ");
    lines.push(el("li", {}, el("span", { class: "mono" }, config.url), ` · ${actions} · secret ${config.secret_key || "—"}`));
  }
  const owner = bot.application && bot.application.client_id;
  for (const w of state.webhooks.filter((w) => w.owner_client_id === owner && w.type === "bot")) {
    lines.push(el("li", {}, el("span", { class: "mono" }, w.url), ` · ${w.action} · secret ${w.secret_key || "—"}`));
  }
  return lines;
}

function renderBots() {
  $("bots-empty").hidden = state.bots.length > 0;
  $("bot-summary").textContent = state.bots.length ? `${state.bots.length}` : "";
  $("bot-list").replaceChildren(...state.bots.map((bot) => {
    const busy = state.inProgress[bot.id] || 0;
    const max = bot.max_chats_count || 0;
    const groups = (bot.groups || []).map((g) => `${g.id} · ${g.priority || bot.default_group_priority || "normal"}`).join(", ") || "none";
    const status = bot.status || "offline";
    const hooks = webhookLines(bot);
    return el("article", { class: "card", "data-bot": bot.id },
      el("div", { class: "card-head" }, el("span", { class: "title" }, bot.name),
        badge(status, status === "accepting chats" ? "ok" : status === "offline" ? "offline" : "warn"),
        el("button", { class: "small secondary", type: "button", onclick: () => editBot(bot) }, "Edit")),
      el("dl", { class: "facts" },
        el("dt", {}, "Id"), el("dd", { class: "mono" }, bot.id),
        el("dt", {}, "Owner client"), el("dd", { class: "mono" }, (bot.application && bot.application.client_id) || ""),
        el("dt", {}, "Groups"), el("dd", {}, groups),
        el("dt", {}, "Chats"), el("dd", {}, `${busy} in progress of ${max}`,
          el("div", { class: "meter" }, el("span", { width: `${max ? Math.min(100, (100 * busy) / max) : 0}%` }))),
        el("dt", {}, "Webhooks"), el("dd", {}, hooks.length ? el("ul", {}, hooks) : "none")));
  }));
}

function renderTemplates() {
  $("templates-empty").hidden = state.templates.length > 0;
  $("template-summary").textContent = state.templates.length ? `${state.templates.length}` : "";
  $("template-list").replaceChildren(...state.templates.map((t) => {
    const installed = state.installed.includes(t.owner_client_id);
    const hasBot = state.bots.some((b) => b.id === t.id);
    return el("article", { class: "card", "data-template": t.id },
      el("div", { class: "card-head" }, el("span", { class: "title" }, t.name),
        badge(hasBot ? "bot on the license" : installed ? "no bot yet" : "not installed", hasBot ? "ok" : "offline")),
      el("dl", { class: "facts" },
        el("dt", {}, "Id"), el("dd", { class: "mono" }, t.id),
        el("dt", {}, "Application"), el("dd", { class: "mono" }, t.owner_client_id || ""),
        el("dt", {}, "Job title"), el("dd", {}, t.job_title || "-"),
        el("dt", {}, "Max chats"), el("dd", {}, t.max_chats_count === undefined ? "6" : String(t.max_chats_count))));
  }));
}

async function installApplication(event) {
  event.preventDefault();
  try {
    const done = await api("install", { client_id: $("install-client").value });
    showError("install-error", null);
    $("install-result").hidden = false;
    $("install-result").textContent = `Installed ${done.client_id}: ${done.bots_created.length} bot(s) made from its templates.`;
    await poll();
  } catch (e) {
    showError("install-error", e);
  }
}

function fillOwners() {
  const key = state.clients.join(",");
  const select = $("bot-owner");
  if (select.dataset.key === key) return;
  select.dataset.key = key;
  select.replaceChildren(...state.clients.map((c) => el("option", { value: c }, c)));
  $("install-client").replaceChildren(...state.clients.map((c) => el("option", { value: c }, c)));
}

function editBot(bot) {
  const form = $("bot-form");
  form.hidden = false;
  showError("bot-error", null);
  $("bot-form-title").textContent = bot ? "Edit " + bot.name : "New bot";
  $("bot-id").value = bot ? bot.id : "";
  $("bot-name").value = bot ? bot.name : "";
  $("bot-status").value = bot ? bot.status || "offline" : "accepting chats";
  $("bot-max").value = bot ? bot.max_chats_count : 6;
  $("bot-groups").value = bot ? (bot.groups || []).map((g) => g.id + ":" + (g.priority || "normal")).join(", ") : "0:normal";
  $("bot-priority").value = bot ? bot.default_group_priority || "" : "";
  $("bot-owner-label").hidden = !!bot;
  $("bot-name").focus();
}

function parseGroups(text) {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((item) => {
    const [id, priority] = item.split(":").map((s) => s.trim());
    if (!/^\d+$/.test(id)) throw new Error(`groups: "${item}" is not "id" or "id:priority"`);
    return { id: Number(id), priority: priority || "normal" };
  });
}

async function saveBot(event) {
  event.preventDefault();
  try {
    const id = $("bot-id").value;
    const doc = {
      name: $("bot-name").value,
      status: $("bot-status").value,
      max_chats_count: Number($("bot-max").value),
      groups: parseGroups($("bot-groups").value),
    };
    if ($("bot-priority").value) doc.default_group_priority = $("bot-priority").value;
    if (id) await api("bots/update", { id, ...doc });
    else await api("bots", { ...doc, owner_client_id: $("bot-owner").value || undefined });
    $("bot-form").hidden = true;
    await poll();
  } catch (e) {
    showError("bot-error", e);
  }
}

// ---- requests ----

function credential(headers) {
  const auth = headers && headers.authorization;
  if (!auth) return "none";
  const scheme = auth.split(" ")[0];
  return scheme === "Bearer" || scheme === "Basic" ? scheme : "other";
}

function statusKind(status) {
  if (status === null || status === undefined) return "bad";
  return status < 300 ? "ok" : status < 500 ? "warn" : "bad";
}

function requestMatches(r) {
  const action = $("filter-action").value;
  const status = $("filter-status").value;
  if (action && r.action !== action) return false;
  if (!status) return true;
  if (status === "none") return r.status === null || r.status === undefined;
  if (status.endsWith("xx")) return typeof r.status === "number" && Math.floor(r.status / 100) === Number(status[0]);
  return String(r.status) === status;
}

function renderRequests() {
  const all = state.requests;
  const shown = all.filter(requestMatches);
  $("requests-empty").hidden = shown.length > 0;
  $("requests-empty").textContent = all.length ? "No request matches the filters." : "No requests yet. Point a client at this emulator's URL.";
  $("request-summary").textContent = all.length ? `${shown.length} of ${all.length}` : "";
  const rows = [];
  for (const r of shown.slice().reverse()) {
    const open = state.openRequests.has(r.seq);
    rows.push(el("tr", { class: "entry", "data-seq": r.seq, "data-action": r.action || "", "data-status": r.status === null ? "none" : r.status,
      onclick: () => { if (open) state.openRequests.delete(r.seq); else state.openRequests.add(r.seq); renderRequests(); } },
      el("td", {}, r.seq), el("td", {}, time(r.time_ms)), el("td", { class: "wide" }, r.method),
      el("td", {}, r.version || "—"), el("td", { class: "mono" }, r.action || r.path),
      el("td", {}, badge(r.status === null ? "dropped" : String(r.status), statusKind(r.status)), r.fault ? " " : "", r.fault ? badge("fault", "warn") : ""),
      el("td", { class: "wide" }, credential(r.headers)),
      el("td", { class: "wide mono" }, (r.headers && r.headers["x-author-id"]) || (r.body && r.body.author_id) || "")));
    if (open) {
      rows.push(el("tr", { class: "detail" }, el("td", { colspan: 8 },
        el("div", { class: "muted" }, `${r.method} ${r.path} · client ${r.client_id || "—"} · connection ${r.connection}`),
        el("pre", {}, JSON.stringify(r.body, null, 2)),
        r.fault ? el("pre", {}, "fault: " + JSON.stringify(r.fault)) : null)));
    }
  }
  document.querySelector("#request-table tbody").replaceChildren(...rows);
}

function renderActionFilter() {
  const actions = [...new Set(state.requests.map((r) => r.action).filter(Boolean))].sort();
  const select = $("filter-action");
  const key = actions.join(",");
  if (select.dataset.key === key) return;
  select.dataset.key = key;
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "all"), ...actions.map((a) => el("option", { value: a }, a)));
  select.value = chosen;
  $("known-actions").replaceChildren(...actions.map((a) => el("option", { value: a })));
}

// ---- deliveries ----

function renderDeliveries() {
  const doc = state.deliveries || { deliveries: [] };
  const list = doc.deliveries || [];
  const empty = $("deliveries-empty");
  empty.hidden = list.length > 0;
  const count = (key, test) => (typeof doc[key] === "number" ? doc[key] : list.filter(test).length);
  const failed = (d) => d.state === "dropped" || d.state === "failed" || d.state === "refused";
  $("delivery-summary").textContent = list.length
    ? `${count("delivered", (d) => d.state === "delivered")} delivered · ${count("retried", (d) => (d.tries || []).length > 1)} retried · `
      + `${count("dropped", failed)} failed · ${count("pending", (d) => d.state === "pending")} pending` : "";
  $("delivery-list").replaceChildren(...list.slice().reverse().map((d) => el("li", { class: "card", "data-delivery": d.id },
    el("div", { class: "card-head" }, el("span", { class: "title mono" }, d.action), badge(d.state), d.duplicate ? badge("duplicate", "warn") : null,
      el("span", { class: "muted" }, `to ${botName(d.bot_id)} · v${d.version} · ${(d.tries || []).length} ${(d.tries || []).length === 1 ? "try" : "tries"}`)),
    el("div", { class: "mono muted" }, d.url), d.error ? el("div", { class: "error" }, d.error) : null,
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Try"), el("th", {}, "Time"), el("th", {}, "Status"), el("th", {}, "Took"), el("th", {}, "Error"))),
      el("tbody", {}, (d.tries || []).map((t, i) => el("tr", {},
        el("td", {}, i + 1), el("td", {}, time(t.time_ms)),
        el("td", {}, badge(t.status === null || t.status === undefined ? "no answer" : String(t.status), statusKind(t.status))),
        el("td", {}, t.duration_ms !== undefined ? Math.round(t.duration_ms) + " ms" : ""), el("td", {}, t.error || ""))))),
    el("details", { open: state.openDeliveries.has(d.seq ?? d.id),
      ontoggle: (e) => { if (e.target.open) state.openDeliveries.add(d.seq ?? d.id); else state.openDeliveries.delete(d.seq ?? d.id); } },
    el("summary", {}, "Body"), el("pre", {}, JSON.stringify(d.body, null, 2))))));
}

// ---- faults ----

function describeFault(f) {
  const what = [];
  if (f.status) what.push(`answer ${f.status}${f.error_type ? " " + f.error_type : ""}`);
  if (f.delay_ms) what.push(`wait ${f.delay_ms} ms`);
  if (f.drop_connection) what.push("drop the connection");
  if (f.retry_after_s !== undefined) what.push(`Retry-After ${f.retry_after_s} s`);
  for (const [k, v] of Object.entries(f)) {
    if (!["action", "times", "status", "error_type", "delay_ms", "drop_connection", "retry_after_s", "message"].includes(k)) what.push(`${k}: ${JSON.stringify(v)}`);
  }
  return what.join(", ");
}

function renderFaults() {
  const faults = state.faults;
  $("faults-empty").hidden = faults.length > 0;
  $("fault-count").textContent = faults.length ? String(faults.length) : "";
  $("fault-summary").textContent = faults.length ? `${faults.length}` : "";
  $("fault-list").replaceChildren(...faults.map((f) => el("li", { class: "card" },
    el("div", { class: "card-head" }, el("span", { class: "title mono" }, f.action || f.webhook_action || "any action"),
      badge(`${f.times} left`, "warn"), el("span", {}, describeFault(f))),
    f.message ? el("div", { class: "muted" }, f.message) : null)));
}

async function addFault(event) {
  event.preventDefault();
  const fault = { times: Number($("fault-times").value || 1) };
  const num = (id) => ($(id).value === "" ? undefined : Number($(id).value));
  if ($("fault-action").value.trim()) fault.action = $("fault-action").value.trim();
  if (num("fault-status") !== undefined) fault.status = num("fault-status");
  if (num("fault-delay") !== undefined) fault.delay_ms = num("fault-delay");
  if (num("fault-retry") !== undefined) fault.retry_after_s = num("fault-retry");
  if ($("fault-message").value) fault.message = $("fault-message").value;
  if ($("fault-drop").checked) fault.drop_connection = true;
  try {
    await api("faults", fault);
    showError("fault-error", null);
    await poll();
  } catch (e) {
    showError("fault-error", e);
  }
}

// ---- polling ----

async function poll() {
  try {
    const [bots, chats, requests, deliveries, faults, agents] = await Promise.all([
      api("bots"), api("chats"), api("requests?after=" + state.lastSeq), api("deliveries"), api("faults"), api("agents"),
    ]);
    state.agents = agents.agents;
    state.bots = bots.bots; state.webhooks = bots.webhooks; state.clients = bots.clients; state.inProgress = bots.chats_in_progress;
    state.templates = bots.templates || []; state.installed = bots.installed || [];
    state.chats = chats.chats;
    // Two polls may overlap (one after a click): keep each entry once.
    for (const r of requests.requests) {
      if (r.seq > state.lastSeq) { state.requests.push(r); state.lastSeq = r.seq; }
    }
    if (state.requests.length > MAX_REQUESTS) state.requests.splice(0, state.requests.length - MAX_REQUESTS);
    state.deliveries = deliveries;
    state.faults = faults.faults;
    const botsKey = JSON.stringify(bots);
    renderIfChanged("bots", botsKey, () => { renderBots(); renderTemplates(); renderGroups(); fillOwners(); state.seen.chats = null; });
    renderIfChanged("chats", JSON.stringify(chats) + JSON.stringify(agents) + state.myChat, renderChats);
    renderIfChanged("requests", state.lastSeq, () => { renderActionFilter(); renderRequests(); });
    renderIfChanged("deliveries", JSON.stringify(deliveries), renderDeliveries);
    renderIfChanged("faults", JSON.stringify(faults), renderFaults);
    $("live").textContent = "live";
    $("live").classList.remove("down");
  } catch (e) {
    $("live").textContent = "emulator not answering";
    $("live").classList.add("down");
  }
}

async function loop() {
  await poll();
  setTimeout(loop, POLL_MS);
}

function wire() {
  window.addEventListener("hashchange", () => showView(location.hash.slice(1)));
  showView(location.hash.slice(1));

  $("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const doc = { group_id: Number($("start-group").value || 0) };
    if ($("start-name").value.trim()) doc.customer = { name: $("start-name").value.trim() };
    try {
      const started = await api("chats/start", doc);
      showError("chatbox-error", null);
      pickChat(started.chat_id);
      await poll();
    } catch (e) {
      showError("chatbox-error", e);
    }
  });
  $("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("send-text").value;
    if (!text || !state.myChat) return;
    try {
      await api("chats/send", { chat_id: state.myChat, text });
      $("send-text").value = "";
      showError("chatbox-error", null);
      await poll();
    } catch (e) {
      showError("chatbox-error", e);
    }
  });
  $("seat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const chat = state.chats.find((c) => c.chat_id === state.myChat);
    const human = humanOf(chat);
    const text = $("seat-text").value;
    if (!text || !human) return;
    try {
      await api("chats/agent", { chat_id: chat.chat_id, agent_id: human.id, text });
      $("seat-text").value = "";
      showError("chatbox-error", null);
      await poll();
    } catch (e) {
      showError("chatbox-error", e);
    }
  });
  $("close-button").addEventListener("click", async () => {
    try {
      await api("chats/close", { chat_id: state.myChat });
      await poll();
    } catch (e) {
      showError("chatbox-error", e);
    }
  });
  $("new-bot").addEventListener("click", () => editBot(null));
  $("bot-cancel").addEventListener("click", () => { $("bot-form").hidden = true; });
  $("bot-form").addEventListener("submit", saveBot);
  $("install-form").addEventListener("submit", installApplication);
  $("filter-action").addEventListener("change", renderRequests);
  $("filter-status").addEventListener("change", renderRequests);
  $("fault-form").addEventListener("submit", addFault);
  $("fault-clear").addEventListener("click", async () => {
    try {
      await api("faults/clear", {});
      showError("fault-error", null);
      await poll();
    } catch (e) {
      showError("fault-error", e);
    }
  });
  loop();
}

wire();
