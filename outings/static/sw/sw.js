// Outings service worker. Version and precache list are written in by the
// server from the static files' content hashes (outings/pwa.py).
const VERSION = "__VERSION__";
const PRECACHE = "__PRECACHE__";
const SHELL = `outings-shell-${VERSION}`;
const PAGES = `outings-pages-${VERSION}`;
const NETWORK_TIMEOUT_MS = 3000;
// A page the phone never kept waits that long for a network that answers
// nothing (a captive portal, wifi without internet) before the offline page.
const NEVER_KEPT_TIMEOUT_MS = 30000;
// Storing ahead: the next few outings of her list, and her own (hosting, replied).
const WARM_UPCOMING = 8;
const WARM_MINE = 12;
const WARM_CIRCLES = 5;
// In PAGES: the data version (and day) the kept pages were last checked at.
const WARM_MARK = "/.outings-warmed";

importScripts("__OUTBOX__");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("outings-") && name !== SHELL && name !== PAGES) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") self.skipWaiting();
  if (data.type === "warm") event.waitUntil(warm(String(data.version)));
  if (data.type === "visitor") event.waitUntil(forgetWarm());
  if (data.type === "language") event.waitUntil(offlinePageIn(String(data.lang)));
  if (data.type === "keep" && event.ports[0]) event.waitUntil(keepFor(event.ports[0], String(data.path)));
  if (data.type === "signed-out") event.waitUntil(Promise.all([caches.delete(PAGES), pushOff()]));
});

// Background Sync: the browser wakes us when the signal is back.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.OutingsOutbox.flush());
});

// Web Push (issue 14): the server's JSON payload (outings/push/messages.py),
// already in the parent's language. One tag per outing: a newer notification
// replaces an older one about the same outing on the lock screen.
const ICON = PRECACHE.find((url) => url.includes("icon-192")) || "/static/icons/icon-192.png";

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = data.title || "Outings";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    renotify: Boolean(data.tag),
    lang: data.lang || undefined,
    icon: ICON,
    badge: ICON,
    actions: (data.actions || []).slice(0, 2),
    data: { url: data.url || "/me", kind: data.kind || "", outing_id: data.outing_id || null,
            account: data.account || null },
  }));
});

// Signed out on this phone: no more pushes here. The push service forgets the
// subscription, answers the server 410 next time, and the server drops it.
async function pushOff() {
  const subscription = self.registration.pushManager
    ? await self.registration.pushManager.getSubscription()
    : null;
  if (subscription) await subscription.unsubscribe();
}

async function openPage(url) {
  const target = new URL(url, self.location.origin).href;
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = open.find((client) => client.url === target);
  if (same) return same.focus();
  const any = open.find((client) => "navigate" in client);
  if (any) {
    await any.focus();
    return any.navigate(target);
  }
  return self.clients.openWindow(target);
}

// "I can't come after all" on a promotion: the reply goes through the outbox
// like any reply made offline, so it reaches the server once, even with no
// signal now; then the outing's page shows it.
async function decline(outingId, account) {
  await self.OutingsOutbox.enqueue(
    "rsvp.set", { outing_id: outingId, status: "declined" }, outingId, account,
  );
  self.OutingsOutbox.announce({ type: "queued", from: "worker" });
  try {
    await self.OutingsOutbox.flush();
  } catch (error) {
    // no signal: Background Sync or the next page sends it
    if (self.registration.sync) await self.registration.sync.register("outbox");
  }
}

// A tap on a notification or on one of its buttons (``action``).
async function notificationClicked(notification, action) {
  const data = notification.data || {};
  notification.close();
  if (action === "decline" && data.outing_id) return decline(data.outing_id, data.account);
  return openPage(data.url || "/me");
}
// Named on self so a test can drive the same path a tap takes (a page cannot
// make the browser dispatch a trusted notificationclick).
self.OutingsPush = { notificationClicked };

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(notificationClicked(event.notification, event.action));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.endsWith(".ics")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  }
});

// Hashed files never change under their name: the cache is always right.
async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL);
    cache.put(request, response.clone());
  }
  return response;
}

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

// Pages: the network first (they change), the copy kept from the last visit
// when there is no signal or it is slower than NETWORK_TIMEOUT_MS; a page
// never kept waits for the network, and without signal is the offline page. An answer
// later than the wait still refreshes the kept copy (and is read to its end).
async function page(event) {
  const request = event.request;
  const network = fetch(request);
  event.waitUntil((async () => {
    const response = await network;
    if (!response.ok || response.type !== "basic") return;
    const copy = response.clone(); // now, before the page starts reading the body
    await (await caches.open(PAGES)).put(request, copy);
  })().catch(() => {}));
  try {
    return await Promise.race([network, timeout(NETWORK_TIMEOUT_MS)]);
  } catch (err) {
    const cached = await caches.match(request, { ignoreVary: true, cacheName: PAGES });
    if (cached) return cached;
    // Nothing kept: the network's answer, however slow, rather than telling a
    // parent with signal that she is offline; the offline page once it fails.
    try {
      return await Promise.race([network, timeout(NEVER_KEPT_TIMEOUT_MS)]);
    } catch (failed) {
      return (await caches.match("/offline", { ignoreVary: true })) || Response.error();
    }
  }
}

const OUTING_LINK = /href="(\/outings\/[0-9a-f-]{36})"/g;
const VERSION_META = /<meta name="outings-version"[^>]*>/;
const WATCH = /data-watch="([0-9a-f -]*)"/;

const MY_CIRCLES = /data-my-circles="([0-9a-f -]*)"/;

// Her circles: /circles names those she belongs to. Each one's page (its
// outings and board) and its address book (the paediatrician's number, with
// no signal) are stored ahead like the list.
function myCircles(html) {
  const ids = (html.match(MY_CIRCLES)?.[1] || "").split(" ").filter(Boolean);
  return ids.flatMap((id) => [`/circles/${id}`, `/circles/${id}/book`]);
}

// The outings a page links to, in its order (on the list: soonest first).
function linked(html) {
  return [...new Set([...html.matchAll(OUTING_LINK)].map((m) => m[1]))];
}

// Her own outings: /me names those she hosts or replied to (base.html's
// data-watch, the outings the page shows).
function mine(html) {
  const meta = html.match(VERSION_META)?.[0] || "";
  const ids = (meta.match(WATCH)?.[1] || "").split(" ").filter(Boolean);
  return ids.map((id) => `/outings/${id}`);
}

// Bring the kept copy of `path` up to date, asking with its ETag: an unchanged
// page comes back "304 Not Modified" with no body, a few hundred bytes. The
// text of the page as kept now; null when it could not be asked (no signal,
// signed out, the server away): the next page view tries again.
async function keep(cache, path) {
  const held = await cache.match(path, { ignoreVary: true });
  const headers = { "X-Outings-Prefetch": "1" };
  const etag = held?.headers.get("ETag");
  if (etag) headers["If-None-Match"] = etag;
  let response;
  try {
    // no-store: the browser's own cache would answer our question itself
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", headers });
  } catch (err) {
    return null;
  }
  if (response.status === 200 && response.type === "basic") {
    await cache.put(path, response.clone());
    return response.text();
  }
  // Every answer is read to its end, or the request never ends: a 304 (and
  // a 204, a 401) has no body to speak of; a page we will not keep is dropped.
  if ([204, 304, 401].includes(response.status)) await response.arrayBuffer().catch(() => null);
  else await response.body?.cancel();
  if (response.status === 304 && held) return held.text();
  if (response.status === 404 || response.status === 410) {
    await cache.delete(path, { ignoreVary: true }); // gone for good: nothing to keep
    return "";
  }
  return null;
}

// A page drawn from its kept copy because the network was slower than the
// wait asks for itself again, however long that takes, and hears back the
// data version of the copy kept now (null when none could be had), or that
// the page is gone (an outing hidden meanwhile: 404, its copy dropped).
const KEPT_VERSION = /<meta name="outings-version" content="([0-9]+)"/;

async function keepFor(port, path) {
  let version = null;
  let gone = false;
  try {
    // a page of ours, never an address that resolves elsewhere ("/\\host")
    const url = new URL(path, self.location.origin);
    if (url.origin === self.location.origin && !url.pathname.startsWith("/api/")) {
      const text = await keep(await caches.open(PAGES), url.pathname + url.search);
      version = text?.match(KEPT_VERSION)?.[1] ?? null;
      gone = text === "";
    }
  } catch (err) {
    // the signal went mid-answer, storage is full: nothing newer is kept
  } finally {
    port.postMessage({ version, gone });
  }
}

// The offline page is kept from the day the worker installed, in the language
// of that day: when the parent reads Outings in another one now, fetch it
// again (once; nothing is asked while the languages agree).
async function offlinePageIn(lang) {
  const cache = await caches.open(SHELL);
  const held = await cache.match("/offline", { ignoreVary: true });
  if (held && (await held.text()).includes(`<html lang="${lang}"`)) return;
  try {
    const response = await fetch("/offline", { credentials: "same-origin", cache: "no-store" });
    if (response.ok && response.type === "basic") await cache.put("/offline", response);
    else await response.body?.cancel();
  } catch (err) {
    // no signal: the next page view asks again
  }
}

async function forgetWarm() {
  const cache = await caches.open(PAGES);
  await cache.delete(WARM_MARK);
}

// Store ahead the pages a parent will want offline, asked by the page of a
// signed-in parent after it synced: the list, /me, the outings she hosts or
// replied to, the next few of her list, and her circles' pages. Only when the
// data changed since the last time (or the day did: pages say "today"), one
// tab at a time, and each page asked with its ETag, so what did not change
// costs no body.
async function warm(version) {
  if (self.navigator.connection?.saveData) return;
  const run = async () => {
    const cache = await caches.open(PAGES);
    const mark = `${version} ${new Date().toDateString()}`;
    const last = await cache.match(WARM_MARK);
    if (last && (await last.text()) === mark) return;
    const list = await keep(cache, "/");
    const me = list === null ? null : await keep(cache, "/me");
    if (list === null || me === null) return;
    const circles = await keep(cache, "/circles");
    if (circles === null) return;
    const paths = new Set([
      ...mine(me).slice(0, WARM_MINE),
      ...linked(list).slice(0, WARM_UPCOMING),
      ...myCircles(circles).slice(0, 2 * WARM_CIRCLES),
    ]);
    const kept = await Promise.all([...paths].map((path) => keep(cache, path)));
    if (kept.every((text) => text !== null)) await cache.put(WARM_MARK, new Response(mark));
  };
  if (!self.navigator.locks) return run();
  return self.navigator.locks.request("outings-warm", { ifAvailable: true }, (lock) => lock && run());
}
