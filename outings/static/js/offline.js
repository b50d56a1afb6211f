// Offline-first in the page: the worker, the sync indicator, forms that
// work with no signal, and what the server decided once they were sent.
const Outbox = self.OutingsOutbox;
const words = JSON.parse(document.getElementById("sync-messages")?.textContent || "{}");
const say = (text, values = {}) =>
  Object.entries(values).reduce((t, [k, v]) => t.replaceAll(`{${k}}`, String(v)), text || "");

let retryDelay = 2000;
let retryTimer = null;
// navigator.onLine only knows about the phone's own radio; whether Outings
// answers is learnt from requests, so both decide what the indicator says.
let connected = navigator.onLine;

async function probe() {
  if (!navigator.onLine) return (connected = false);
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4000);
    const response = await fetch("/healthz", { cache: "no-store", signal: controller.signal });
    clearTimeout(timer);
    connected = response.ok;
  } catch (err) {
    connected = false;
  }
  return connected;
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
  status.textContent = waiting ? say(words.waiting, { count: waiting })
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
    await refreshIfStale();
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
async function refreshIfStale() {
  const meta = document.querySelector('meta[name="outings-version"]');
  if (!meta || !connected || !navigator.onLine) return;
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

function warmPages() {
  const controller = navigator.serviceWorker?.controller;
  if (!controller || !connected) return;
  const links = [...document.querySelectorAll('a[href^="/outings/"]')]
    .map((a) => a.getAttribute("href").split("#")[0])
    .filter((href) => /^\/outings\/[0-9a-f-]{36}$/.test(href));
  controller.postMessage({ type: "warm", urls: ["/", "/me", ...links] });
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
      if (waiting && !window.confirm(say(words.signout_waiting, { count: waiting }))) return;
      await Outbox.clear();
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
  if (!Outbox || !("indexedDB" in self)) return;
  enhanceRsvp();
  enhanceComment();
  enhancePropose();
  enhanceSignOut();
  navigator.storage?.persist?.();
  window.addEventListener("online", () => { connected = true; sync(); });
  window.addEventListener("offline", () => { connected = false; showStatus(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sync();
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
  await probe();
  await showStatus();
  sync();
}
