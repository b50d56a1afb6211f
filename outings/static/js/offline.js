// Offline-first in the page: the worker, the sync indicator, forms that
// work with no signal, and what the server decided once they were sent.
const Outbox = self.OutingsOutbox;
const words = JSON.parse(document.getElementById("sync-messages")?.textContent || "{}");
const say = (text, values = {}) =>
  Object.entries(values).reduce((t, [k, v]) => t.replaceAll(`{${k}}`, String(v)), text || "");

// A text with a number: the server sends one form per plural category of the
// page's language (web/sync_words.py), the browser says which one a number takes.
function counted(forms, count) {
  if (typeof forms === "string") return say(forms, { count });
  let category = "other";
  try {
    category = new Intl.PluralRules(document.documentElement.lang || "en").select(count);
  } catch (err) {
    // a browser without the language's rules: the general form
  }
  return say(forms?.[category] ?? forms?.other, { count });
}

let retryDelay = 2000;
let retryTimer = null;
// navigator.onLine only knows about the phone's own radio; whether Outings
// answers is learnt from requests, so both decide what the indicator says.
let connected = navigator.onLine;
// What Outings said at the last probe: its data version now, whether this
// browser is signed in, whether the phone asked to save data (/healthz).
let server = { version: null, member: false, save_data: false };
const PROBE_FIRST_MS = 2000;
const PROBE_MAX_MS = 60000;
let probeDelay = PROBE_FIRST_MS;
let probeTimer = null;

async function probe() {
  clearTimeout(probeTimer);
  if (!navigator.onLine) {
    connected = false;  // the "online" event asks again
    return connected;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 4000);
  try {
    const response = await fetch("/healthz", {
      cache: "no-store", credentials: "same-origin", signal: controller.signal,
    });
    // Read to its end: a body left unread keeps the request open for good,
    // and whatever waits for the page to go quiet (Lighthouse) never sees it.
    const body = await response.json();
    connected = response.ok && body.ok === true;
    if (connected) server = body;
  } catch (err) {
    connected = false;
  } finally {
    clearTimeout(timer);
  }
  if (connected) {
    probeDelay = PROBE_FIRST_MS;
    rememberMe();
  } else {
    watchConnection();
  }
  return connected;
}

// No answer: ask again, a little later each time, until Outings answers. A
// page opened with no signal then says so once the signal is back, even when
// the phone never noticed it was gone (no "online" event: a weak signal, a
// network that drops everything, the server away).
function watchConnection() {
  clearTimeout(probeTimer);
  probeTimer = setTimeout(async () => {
    if (document.visibilityState === "hidden") {
      watchConnection();  // nobody is looking: the tab's return asks again
      return;
    }
    const back = await probe();
    await showStatus();
    if (back) sync();
  }, probeDelay);
  probeDelay = Math.min(probeDelay * 2, PROBE_MAX_MS);
}

// The offline page is kept as a visitor sees it (the worker stores it once):
// a parent who is signed in sees her own account link there, with the name
// the last page of hers showed. Only the name is kept, never a secret, and it
// goes when she signs out (or Outings says this browser is signed out).
const ME_KEY = "outings-me";

function rememberMe() {
  try {
    if (!server.member) {
      localStorage.removeItem(ME_KEY);
      return;
    }
    const name = document.querySelector(".me-link .me-name")?.textContent.trim();
    if (name) localStorage.setItem(ME_KEY, name);
  } catch (err) {
    // storage refused (a private window): the offline page offers "Sign in"
  }
}

function showMeOffline() {
  const link = document.getElementById("offline-me");
  if (!link) return;
  let name = null;
  try {
    name = localStorage.getItem(ME_KEY);
  } catch (err) {
    return;
  }
  if (!name) return;
  link.querySelector(".me-name").textContent = name;
  link.querySelector(".avatar").textContent = (Array.from(name)[0] || "").toUpperCase();
  link.hidden = false;
  document.getElementById("offline-sign-in").hidden = true;
}

// -- the service worker and its updates ------------------------------------

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  const offerUpdate = (worker) => {
    const bar = document.getElementById("update-bar");
    if (!bar || !worker) return;
    bar.hidden = false;
    bar.querySelector("button").onclick = async () => {
      // Unsent changes stay in IndexedDB: a new worker never drops them.
      worker.postMessage({ type: "skip-waiting" });
    };
  };
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "installed" && navigator.serviceWorker.controller) {
        offerUpdate(installing);
      }
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !document.getElementById("update-bar") || document.getElementById("update-bar").hidden) return;
    reloading = true;
    window.location.reload();
  });
  return registration;
}

// -- the quiet indicator: online, offline, changes waiting ------------------

async function showStatus() {
  const status = document.getElementById("sync-status");
  if (!status) return;
  const waiting = (await Outbox.pending()).length;
  const online = connected && navigator.onLine;
  status.dataset.state = waiting ? "waiting" : online ? "online" : "offline";
  status.textContent = waiting ? counted(words.waiting, waiting)
    : online ? words.online : words.offline;
}

// -- sending -----------------------------------------------------------------

async function sync() {
  clearTimeout(retryTimer);
  try {
    const results = await Outbox.flush();
    if (results.length) connected = true;
    retryDelay = 2000;
    await showStatus();
    if (results.length && await afterSync(results)) return; // the page is being drawn again
    if (!results.length) await showVerdicts(); // a sync elsewhere may have finished first
    await refreshIfStale(results.length > 0);
    warmPages();
  } catch (err) {
    if (err.retry && !err.after) connected = false;
    await showStatus();
    if (err.retry) {
      // No signal or the server is away: try again later, a little later each
      // time, and never sooner than the server asked (Retry-After).
      retryTimer = setTimeout(sync, Math.max(retryDelay, err.after * 1000));
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  }
}

// -- a page drawn before the latest changes ----------------------------------

function edited(field) {
  if (field.type === "hidden") return false;
  if (field.tagName === "SELECT") {
    // with no option marked selected in the HTML, the first one is the default
    const initial = [...field.options].findIndex((o) => o.defaultSelected);
    return field.selectedIndex !== Math.max(initial, 0);
  }
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  return field.value !== field.defaultValue;
}

// The page says how new it is and which outings it shows (base.html). Once the
// signal is back, the server says what changed since (a pull from that
// cursor); if anything this page shows did, it is drawn again — a waitlist
// place that moved while the phone was underground, a cancellation. Never
// over what a parent is typing, and once per page version: should the worker
// answer with the same old copy (a slow network), there is no reload loop.
// When the last probe found the data at the page's own version, nothing
// changed and nothing is asked (unless this page just sent changes: `sent`).
async function refreshIfStale(sent = false) {
  const meta = document.querySelector('meta[name="outings-version"]');
  if (!meta || !connected || !navigator.onLine) return;
  if (!sent && server.version !== null && String(server.version) === meta.content) return;
  const watch = new Set((meta.dataset.watch || "").split(" ").filter(Boolean));
  let body;
  try {
    const response = await fetch(`/api/sync/pull?cursor=${encodeURIComponent(meta.content)}`, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    body = await response.json();
  } catch (err) {
    return; // the signal went again: the next sync asks again
  }
  const touches = (c) => watch.has(c.id) || watch.has(c.data?.outing_id);
  if (!body.reset && !body.has_more && !body.changes.some(touches)) {
    meta.content = String(body.cursor); // nothing here changed: ask from there next time
    return;
  }
  const typing = [...document.querySelectorAll("input, textarea, select")].some(edited)
    || document.activeElement?.matches?.("input:not([type=hidden]), textarea");
  const key = `outings-refreshed:${location.pathname}${location.search}`;
  if (typing || sessionStorage.getItem(key) === meta.content) return;
  sessionStorage.setItem(key, meta.content);
  window.location.reload();
}

// What the server decided: shown in words, or by drawing the page again from
// the server's truth. True when the page is being drawn again.
async function afterSync(results) {
  const outingId = document.querySelector("[data-outing-id]")?.dataset.outingId;
  const created = results.find((r) => r.name === "outing.create" && r.status === "applied");
  if (created && document.getElementById("outing-form")) {
    window.location.assign(`/outings/${created.args.id}`);
    return true;
  }
  if (results.some((r) => r.about === outingId || r.name === "outing.create")) {
    // Show the server's truth (places left, the waitlist) and the verdict.
    window.location.reload();
    return true;
  }
  await showVerdicts();
  return false;
}

// Store ahead what a parent will want offline (the worker picks the pages and
// asks only when the data changed since it last did, sw.js `warm`): only for
// a parent who is signed in, and never when the phone asks to save data.
function warmPages() {
  const controller = navigator.serviceWorker?.controller;
  if (!controller || !connected) return;
  if (!server.member) {
    controller.postMessage({ type: "visitor" });  // a later sign-in stores her pages afresh
    return;
  }
  if (server.save_data || navigator.connection?.saveData) return;
  controller.postMessage({ type: "warm", version: server.version });
}

async function queue(name, args, about) {
  await Outbox.enqueue(name, args, about);
  await showStatus();
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch (err) {
    // Background Sync is a bonus; online, load and visibility events also send.
  }
  if (navigator.onLine) sync();
}

// -- what the server decided -------------------------------------------------

function verdict(result) {
  if (result.status === "rejected") {
    if (result.error?.code === "cancelled") return { text: words.cancelled, tone: "info" };
    return { text: say(words.rejected, { message: result.error?.message || "" }), tone: "error" };
  }
  if (result.name === "rsvp.set") {
    const o = result.outcome || {};
    if (o.state === "confirmed") return { text: words.confirmed, tone: "success" };
    if (o.state === "waitlisted") return { text: say(words.waitlisted, { position: o.position }), tone: "info" };
    return { text: words.saved, tone: "success" };
  }
  return { text: words.sent, tone: "success" };
}

async function showVerdicts() {
  const box = document.getElementById("sync-verdicts");
  if (!box) return;
  const outingId = document.querySelector("[data-outing-id]")?.dataset.outingId;
  const unseen = (await Outbox.results())
    .filter((r) => !r.seen && (!outingId || r.about === outingId || !r.about))
    .sort((a, b) => a.at - b.at);
  if (!unseen.length) return;
  if (outingId && unseen.some((r) => r.about === outingId && r.at > performance.timeOrigin)) {
    // The server decided after this page was drawn (the worker synced in the
    // background): draw it again from the server's truth, then say the verdict.
    window.location.reload();
    return;
  }
  box.replaceChildren(...unseen.map((r) => {
    const { text, tone } = verdict(r);
    const p = document.createElement("p");
    p.className = `flash-line flash-${tone}`;
    p.textContent = text;
    return p;
  }));
  box.hidden = false;
  await Outbox.markSeen(unseen.map((r) => r.id));
}

async function showPending() {
  const outingId = document.querySelector("[data-outing-id]")?.dataset.outingId;
  if (!outingId) return;
  const mine = (await Outbox.pending()).filter((m) => m.about === outingId);
  const rsvp = mine.filter((m) => m.name === "rsvp.set").pop();
  if (rsvp) {
    const reply = document.getElementById("my-reply-pending");
    reply.textContent = words[`pending_${rsvp.args.status}`] || words.pending_going;
    reply.hidden = false;
  }
  const list = document.querySelector("#comments .comments");
  for (const m of mine.filter((x) => x.name === "comment.add")) {
    if (!list || document.getElementById(`pending-${m.args.id}`)) continue;
    const li = document.createElement("li");
    li.className = "comment is-pending";
    li.id = `pending-${m.args.id}`;
    const body = document.createElement("p");
    body.className = "comment-body";
    body.textContent = m.args.body;
    const note = document.createElement("p");
    note.className = "muted small";
    note.textContent = words.comment_waiting;
    li.append(body, note);
    list.append(li);
  }
}

// -- forms that work with no signal -----------------------------------------

function enhanceRsvp() {
  const form = document.querySelector("form.rsvp-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const outingId = form.dataset.outingId;
    const args = {
      outing_id: outingId,
      status: data.get("status") || "going",
      adults: Number(data.get("adults") || 1),
      children: Number(data.get("children") || 0),
    };
    await queue("rsvp.set", args, outingId);
    await showPending();
  });
}

function enhanceComment() {
  const form = document.querySelector("form.comment-form");
  if (!form) return;
  // A new comment's id is made afresh each time the page opens: a copy kept
  // on the phone (or confirmed unchanged, 304) may hold one already used.
  form.querySelector("input[name=id]").value = crypto.randomUUID();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = String(data.get("body") || "").trim();
    if (!body) {
      form.submit();  // the server explains what is missing
      return;
    }
    const id = String(data.get("id"));
    await queue("comment.add", { id, outing_id: form.dataset.outingId, body }, form.dataset.outingId);
    form.reset();
    form.querySelector("input[name=id]").value = crypto.randomUUID();
    await showPending();
  });
}

// The wall-clock time `date`+`time` in the instance's time zone, as UTC ISO.
function zonedToUtc(date, time, timeZone) {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const offset = (at) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(at).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return asUtc - at;
  };
  let guess = wall - offset(wall);
  guess = wall - offset(guess);
  return new Date(guess).toISOString().replace(".000Z", "Z");
}

function enhancePropose() {
  const form = document.getElementById("outing-form");
  if (!form || form.dataset.mode !== "create") return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // With signal the server checks the form and answers beside each field.
    if (await probe()) {
      form.submit();
      return;
    }
    const v = Object.fromEntries(new FormData(form));
    const number = (x) => (x === "" || x === undefined ? null : Number(x));
    const zone = form.dataset.timezone;
    const args = {
      id: v.id, title: v.title, category: v.category, description: v.description,
      starts_at: zonedToUtc(v.date, v.start_time, zone), ends_at: zonedToUtc(v.date, v.end_time, zone),
      venue_id: v.venue_id || null, place: v.place, meeting_point: v.meeting_point,
      meeting_point_private: v.meeting_point_private === "on", area: v.area,
      age_min_months: number(v.age_min_months), age_max_months: number(v.age_max_months),
      capacity: number(v.capacity), cost: v.cost, language: v.language,
      // the host's own family: her reply holds a place like any other
      host_adults: number(v.host_adults) ?? 1, host_children: number(v.host_children) ?? 1,
      // posted to one of her circles, perhaps for its members only (issue 13)
      circle_id: v.circle_id || null, visibility: v.visibility || "public",
      adults_only: v.adults_only === "on",
    };
    await queue("outing.create", args, v.id);
    const note = document.getElementById("outing-form-pending");
    note.textContent = words.outing_waiting;
    note.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
  });
}

function enhanceSignOut() {
  for (const form of document.querySelectorAll('form[action="/logout"]')) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const waiting = (await Outbox.pending()).length;
      if (waiting && !window.confirm(counted(words.signout_waiting, waiting))) return;
      await Outbox.clear();
      try {
        localStorage.removeItem(ME_KEY);
      } catch (err) {
        // storage refused: nothing was kept
      }
      navigator.serviceWorker?.controller?.postMessage({ type: "signed-out" });
      form.submit();
    });
  }
}

// Offer to install the app at a sensible moment: on /me, once the parent has
// an account and has seen the app work, never as a pop-up on arrival.
function offerInstall() {
  const card = document.getElementById("install");
  const button = document.getElementById("install-app");
  if (!card || !button) return;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    card.hidden = false;
    button.onclick = async () => {
      card.hidden = true;
      await event.prompt();
    };
  });
}

export async function startOffline() {
  offerInstall();
  showMeOffline();
  if (!Outbox || !("indexedDB" in self)) return;
  enhanceRsvp();
  enhanceComment();
  enhancePropose();
  enhanceSignOut();
  navigator.storage?.persist?.();
  const recheck = async () => {
    probeDelay = PROBE_FIRST_MS;
    await probe();
    await showStatus();
    sync();
  };
  window.addEventListener("online", recheck);
  window.addEventListener("offline", () => { connected = false; showStatus(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") recheck();
  });
  if (typeof BroadcastChannel === "function") {
    // A sync finished elsewhere (another tab, Background Sync in the worker).
    new BroadcastChannel(Outbox.CHANNEL).onmessage = (event) => {
      if (event.data?.type === "synced") { showStatus(); afterSync(event.data.results); }
    };
  }
  await showStatus();
  await showPending();
  await showVerdicts();
  await registerWorker();
  navigator.serviceWorker?.controller?.postMessage({
    type: "language", lang: document.documentElement.lang,
  });
  await probe();
  await showStatus();
  sync();
}
