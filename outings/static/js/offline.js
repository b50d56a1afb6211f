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
let server = { version: null, member: false, save_data: false, account: null };
// The page is being drawn again (a reload, or the new outing's page): a sync
// still running here, or starting meanwhile, leaves it be (drawAgain).
let drawingAgain = false;
const PROBE_FIRST_MS = 2000;
const PROBE_MAX_MS = 60000;
// How long a page waits for the worker to fetch it once more (refreshIfStale).
const KEEP_WAIT_MS = 60000;
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
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (drawingAgain || !document.getElementById("update-bar") || document.getElementById("update-bar").hidden) return;
    drawAgain();
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
// over what a parent is typing, and at most twice per page version (below), so
// that an old copy never makes a reload loop.
// When the last probe found the data at the page's own version, nothing
// changed and nothing is asked (unless this page just sent changes: `sent`).
async function refreshIfStale(sent = false) {
  const meta = document.querySelector('meta[name="outings-version"]');
  if (drawingAgain || !meta || !connected || !navigator.onLine) return;
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
  if (drawingAgain) return; // another sync is drawing the page again already
  const touches = (c) => watch.has(c.id) || watch.has(c.data?.outing_id);
  if (!body.reset && !body.has_more && !body.changes.some(touches)) {
    meta.content = String(body.cursor); // nothing here changed: ask from there next time
    return;
  }
  const path = `${location.pathname}${location.search}`;
  const key = `outings-refreshed:${path}`;
  const again = `${meta.content} again`;
  const done = sessionStorage.getItem(key);
  if (typing() || done === again) return;
  if (done !== meta.content) {
    sessionStorage.setItem(key, meta.content);
    drawAgain();
    return;
  }
  // Drawn again, and still from this version: the worker answered with the
  // copy it keeps, the network being slower than its wait. Once more per
  // version, the worker asks for this page, waiting as long as it takes; when
  // the copy it keeps then is newer than this one, the page is drawn from it,
  // and when the page is gone (hidden meanwhile), it is drawn as the server
  // says so, never left showing what is no longer there.
  sessionStorage.setItem(key, again);
  const kept = await keptCopy(path);
  if (drawingAgain) return;
  const newer = kept.version !== null && Number(kept.version) > Number(meta.content);
  if (!newer && !kept.gone) return;
  if (typing()) sessionStorage.setItem(key, meta.content); // the next sync looks again
  else drawAgain();
}

function typing() {
  return [...document.querySelectorAll("input, textarea, select")].some(edited)
    || Boolean(document.activeElement?.matches?.("input:not([type=hidden]), textarea"));
}

// What the worker keeps of `path` once it asked the network for it: the data
// version of its copy (null: no worker, no answer within KEEP_WAIT_MS, nothing
// kept), and whether the server said the page is gone.
function keptCopy(path) {
  const worker = navigator.serviceWorker?.controller;
  const none = { version: null, gone: false };
  if (!worker) return Promise.resolve(none);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const heard = (kept) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(kept);
    };
    const timer = setTimeout(() => heard(none), KEEP_WAIT_MS);
    channel.port1.onmessage = (event) => heard({
      version: event.data?.version ?? null, gone: event.data?.gone === true,
    });
    worker.postMessage({ type: "keep", path }, [channel.port2]);
  });
}

function drawAgain(go = () => window.location.reload()) {
  drawingAgain = true;
  go();
}

// What the server decided: shown in words, or by drawing the page again from
// the server's truth. True when the page is being drawn again.
async function afterSync(results) {
  const outingId = document.querySelector("[data-outing-id]")?.dataset.outingId;
  const created = results.find((r) => r.name === "outing.create" && r.status === "applied");
  if (created && document.getElementById("outing-form")) {
    drawAgain(() => window.location.assign(`/outings/${created.args.id}`));
    return true;
  }
  if (results.some((r) => r.about === outingId || r.name === "outing.create")) {
    // Show the server's truth (places left, the waitlist) and the verdict.
    drawAgain();
    return true;
  }
  const circles = pageCircles();
  if (results.some((r) => r.about && circles.has(r.about))) {
    // A post, a reply, joining: drawn again as the server has it now.
    drawAgain();
    return true;
  }
  if (window.location.pathname === "/me" && results.some((r) => r.status === "applied")
      && !typing()) {
    // Her page lists her outings, replies and circles: whichever tab sent her
    // change (a reply to an outing not on it yet), it is drawn again.
    drawAgain();
    return true;
  }
  await showOutboxPending();
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

// Who is signed in: as Outings said at the last probe (a page kept from an
// earlier session may show someone else), else as this page was drawn.
function currentAccount() {
  if (server.account) return server.account;
  return document.querySelector(".me-link")?.dataset.account || null;
}

async function queue(name, args, about) {
  // Whose change it is (never sent in another's name, should someone else
  // sign in before it goes).
  await Outbox.enqueue(name, args, about, currentAccount());
  await showStatus();
  Outbox.announce({ type: "queued", from: Outbox.SENDER });
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
  const done = words.outbox_done || {};
  const o = result.outcome || {};
  const variant = o.role === "asked" ? "asked" : o.sorted === false ? "open" : "";
  const text = done[`${result.name}.${variant}`] || done[result.name];
  return { text: text || words.sent, tone: "success" };
}

async function showVerdicts() {
  const box = document.getElementById("sync-verdicts");
  if (!box) return;
  const outingId = document.querySelector("[data-outing-id]")?.dataset.outingId;
  const unseen = (await Outbox.results())
    .filter((r) => !r.seen && (!outingId || r.about === outingId || !r.about))
    .sort((a, b) => a.at - b.at || (a.seq || 0) - (b.seq || 0));  // one push: one `at`
  if (!unseen.length) return;
  const circles = pageCircles();
  const aboutThisPage = (r) => (outingId && r.about === outingId) || (r.about && circles.has(r.about));
  if (unseen.some((r) => aboutThisPage(r) && r.at > performance.timeOrigin)) {
    // The server decided after this page was drawn (the worker synced in the
    // background): draw it again from the server's truth, then say the verdict
    // (said first, a redraw for the same news would take it away again).
    drawAgain();
    return;
  }
  // Her last reply to an outing says how it went; an earlier one's verdict
  // ("You're in!") beside her later "can't go" would be a lie.
  const last = new Map(unseen.filter((r) => r.name === "rsvp.set").map((r) => [r.about, r]));
  const shown = unseen.filter((r) => r.name !== "rsvp.set" || last.get(r.about) === r);
  box.replaceChildren(...shown.map((r) => {
    const { text, tone } = verdict(r);
    const p = document.createElement("p");
    p.className = `flash-line flash-${tone}`;
    p.textContent = text;
    // Refused words she wrote are never lost: back in their form, or (no form
    // for them on this page: the outing taken down) quoted here to copy.
    // (Only her own: words another account wrote on this phone are never shown to her.)
    if (r.status === "rejected" && ownWords(r) && !restoreForm(r)
        && typeof r.args?.body === "string") {
      const typed = document.createElement("q");
      typed.className = "refused-text";
      typed.textContent = r.args.body;
      p.append(" ", typed);
    }
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

// -- forms marked data-outbox (issue 13) --------------------------------------
// One handler for every form that also works with no signal. The convention:
// the form carries data-outbox="<mutation name>" and names its inputs as the
// mutation's args; hidden inputs say what it is about (circle_id, post_id,
// entry_id) and, for what it creates, a hidden `id` gets a new UUID when the
// page opens and after each send (a kept copy of the page may hold one already
// used). With signal the form goes to the server as always, which answers
// beside each field; with none the mutation is queued and shown as waiting,
// and the outbox sends it once when the signal is back. Optional attributes:
// data-outbox-list (a list to show the waiting item in; else a note under the
// form), data-outbox-place="start" (at its top), data-outbox-item (the item's
// class), data-outbox-text (the field the item shows; else body, else name).

const outboxForms = () => [...document.querySelectorAll("form[data-outbox]")];

// The circles this page is about: a sync about one of them redraws the page.
const pageCircles = () => new Set(
  [...document.querySelectorAll("[data-circle-id]")].map((el) => el.dataset.circleId),
);

// A field's value as the mutation takes it: checkboxes and hidden true/false
// are booleans, numbers numbers, the rest text as typed.
function argValue(field) {
  if (field.type === "checkbox") return field.checked;
  if (field.type === "number") return field.value === "" ? null : Number(field.value);
  if (field.type === "hidden" && (field.value === "true" || field.value === "false")) {
    return field.value === "true";
  }
  return field.value;
}

function outboxArgs(form, submitter) {
  const args = {};
  for (const field of form.elements) {
    if (!field.name || field.name === "_csrf_token" || field.disabled) continue;
    if (["submit", "button", "reset", "image"].includes(field.type)) continue;
    if (field.type === "radio" && !field.checked) continue;
    args[field.name] = argValue(field);
  }
  if (submitter?.name) args[submitter.name] = argValue({ type: "hidden", value: submitter.value });
  return args;
}

// What a form is about: its hidden fields, but the new thing's own id.
const contextOf = (form) => [...form.elements].filter(
  (f) => f.type === "hidden" && f.name && f.name !== "id" && f.name !== "_csrf_token",
);

const formOf = (mutation) => outboxForms().find((form) => form.dataset.outbox === mutation.name
  && contextOf(form).every((f) => String(mutation.args?.[f.name]) === String(argValue(f))));

const creates = (form) => !!form.querySelector("input[type=hidden][name=id]");

function freshId(form) {
  const id = form.querySelector("input[type=hidden][name=id]");
  if (id) id.value = crypto.randomUUID();
}

function waitingNote(mutation) {
  const note = document.createElement("p");
  note.className = "outbox-note";
  note.textContent = words.outbox?.[mutation.name] || words.outbox_default;
  return note;
}

// What is still waiting to be sent, drawn where it will be once it is: a new
// post at the top of the board, a reply under the others; a join or a "sorted"
// as a note under its form, whose button waits too (pressing it again would
// queue it twice).
async function showOutboxPending() {
  const forms = outboxForms();
  if (!forms.length) return;
  for (const node of document.querySelectorAll("[data-outbox-pending]")) node.remove();
  const pending = await Outbox.pending();
  for (const form of forms) {
    const mine = pending.filter((m) => formOf(m) === form);
    for (const button of form.querySelectorAll("button")) button.disabled = false;
    if (!creates(form)) {
      for (const button of form.querySelectorAll("button")) button.disabled = mine.length > 0;
      if (mine.length) {
        const note = waitingNote(mine[mine.length - 1]);
        note.dataset.outboxPending = "";
        note.setAttribute("role", "status");
        form.after(note);
      }
      continue;
    }
    const list = form.dataset.outboxList && document.querySelector(form.dataset.outboxList);
    for (const m of mine) {
      const note = waitingNote(m);
      if (!list) {
        note.dataset.outboxPending = "";
        form.after(note);
        continue;
      }
      const item = document.createElement("li");
      item.className = `${form.dataset.outboxItem || ""} is-pending`.trim();
      item.dataset.outboxPending = "";
      const key = form.dataset.outboxText || ("body" in m.args ? "body" : "name");
      const text = document.createElement("p");
      text.className = "outbox-text";
      text.textContent = m.args[key] ?? "";
      item.append(text, note);
      if (form.dataset.outboxPlace === "start") list.prepend(item);
      else list.append(item);
    }
  }
}

// A create the server refused comes back into its form, as typed, when the
// form is empty: nothing written offline is lost (the verdict says why).
function restoreForm(result) {
  const form = formOf(result) || commentFormOf(result);
  if (!form || !creates(form)) return false;
  const fields = [...form.elements].filter((f) => f.name && f.type !== "hidden" && f.type !== "submit");
  // something typed since: hers to keep (the verdict still quotes the refused words)
  if (fields.some((f) => f.type !== "radio" && f.type !== "checkbox" && f.value.trim())) return false;
  for (const field of fields) {
    const value = result.args?.[field.name];
    if (value === undefined || value === null) continue;
    if (field.type === "radio") field.checked = field.value === String(value);
    else if (field.type === "checkbox") field.checked = value === true;
    else field.value = String(value);
  }
  return true;
}

// Whether a change was made by the account signed in on this page.
const ownWords = (result) => !!result.by && result.by === currentAccount();

// The comment form of the outing a refused comment was for, when this page has it.
function commentFormOf(result) {
  const form = document.querySelector("form.comment-form");
  const fits = result.name === "comment.add" && form?.dataset.outingId === result.args?.outing_id;
  return fits ? form : undefined;
}

function enhanceOutboxForms() {
  for (const form of outboxForms()) {
    freshId(form);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submitter = event.submitter;
      for (const button of form.querySelectorAll("button")) button.disabled = true;
      if (await probe()) {
        // Outings answers: the form goes as always (errors come back beside the fields).
        if (submitter?.name) {
          const carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = submitter.name;
          carried.value = submitter.value;
          form.append(carried);
        }
        form.submit();
        return;
      }
      const args = outboxArgs(form, submitter);
      const about = form.dataset.circleId || args.circle_id
        || document.querySelector("[data-circle-id]")?.dataset.circleId || null;
      await queue(form.dataset.outbox, args, about);
      if (creates(form)) {
        form.reset();
        freshId(form);
        for (const button of form.querySelectorAll("button")) button.disabled = false;
      }
      await showOutboxPending();
    });
  }
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
  enhanceOutboxForms();
  enhanceSignOut();
  navigator.storage?.persist?.();
  const recheck = async () => {
    probeDelay = PROBE_FIRST_MS;
    await probe();
    await showStatus();
    sync();
  };
  window.addEventListener("online", recheck);
  // Back to a page the browser kept (bfcache): its buttons, pressed when it was left, work again.
  window.addEventListener("pageshow", (event) => { if (event.persisted) showOutboxPending(); });
  window.addEventListener("offline", () => { connected = false; showStatus(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") recheck();
  });
  if (typeof BroadcastChannel === "function") {
    // A sync finished elsewhere (another tab, Background Sync in the worker).
    new BroadcastChannel(Outbox.CHANNEL).onmessage = (event) => {
      if (event.data?.type === "queued") {
        showStatus();  // another tab queued a change: the count waiting here too
        return;
      }
      if (event.data?.type !== "synced") return;
      showStatus();
      if (event.data.from !== Outbox.SENDER) afterSync(event.data.results); // not our own
    };
  }
  await showStatus();
  await showPending();
  await showOutboxPending();
  await showVerdicts();
  await registerWorker();
  navigator.serviceWorker?.controller?.postMessage({
    type: "language", lang: document.documentElement.lang,
  });
  await probe();
  await showStatus();
  sync();
}
