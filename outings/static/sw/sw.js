// Outings service worker. Version and precache list are written in by the
// server from the static files' content hashes (outings/pwa.py).
const VERSION = "__VERSION__";
const PRECACHE = "__PRECACHE__";
const SHELL = `outings-shell-${VERSION}`;
const PAGES = `outings-pages-${VERSION}`;
const NETWORK_TIMEOUT_MS = 3000;
const WARM_LIMIT = 40;

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
  if (data.type === "warm") event.waitUntil(warm(data.urls || []));
  if (data.type === "signed-out") event.waitUntil(caches.delete(PAGES));
});

// Background Sync: the browser wakes us when the signal is back.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.OutingsOutbox.flush());
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
    event.respondWith(page(request));
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
// when there is no signal, the offline page for one never visited.
async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await Promise.race([fetch(request), timeout(NETWORK_TIMEOUT_MS)]);
    if (response.ok && response.type === "basic") cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreVary: true, ignoreSearch: false });
    if (cached) return cached;
    return (await caches.match("/offline", { ignoreVary: true })) || Response.error();
  }
}

const OUTING_LINK = /href="(\/outings\/[0-9a-f-]{36})"/g;

async function keep(cache, path) {
  try {
    const response = await fetch(path, {
      credentials: "same-origin",
      headers: { "X-Outings-Prefetch": "1" },
    });
    if (!response.ok || response.type !== "basic") return "";
    await cache.put(path, response.clone());
    return await response.text();
  } catch (err) {
    return ""; // no signal: keep what we have
  }
}

// Store ahead the pages a parent will want offline, asked by the page after
// a sync: the list and /me, then the outings they link to — the upcoming
// ones and those the parent replied to.
async function warm(urls) {
  const cache = await caches.open(PAGES);
  const found = new Set(urls);
  for (const hub of ["/", "/me"]) {
    const text = await keep(cache, hub);
    for (const match of text.matchAll(OUTING_LINK)) found.add(match[1]);
    found.delete(hub);
  }
  const rest = [...found].slice(0, WARM_LIMIT);
  await Promise.all(rest.map((path) => keep(cache, path)));
}
