// The outbox: changes made on this phone, kept in IndexedDB until the server
// has them. A classic script so that the page and the service worker share
// this one implementation (the worker loads it with importScripts).
(function (scope) {
  "use strict";

  const DB_NAME = "outings-sync";
  const LOCK = "outings-outbox";
  const CHANNEL = "outings-sync";
  // Who announces: a BroadcastChannel delivers to every other channel object
  // of that name, this page's own listener included, and a page acts on its
  // own results already (two navigations to a new outing, seen in CI).
  const SENDER = Math.random().toString(36).slice(2);

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("meta", { keyPath: "key" });
        db.createObjectStore("outbox", { keyPath: "id" });
        db.createObjectStore("results", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function done(tx) {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  function req(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function newClient() {
    return { key: "client", client_id: crypto.randomUUID(), next_id: 1 };
  }

  // What to push: this browser's identity and its queue, read together. A
  // new identity is saved before anything is sent under it, so a change
  // queued meanwhile counts under the same one (two identities would each
  // apply the same change once: twice in all).
  async function snapshot(db) {
    const tx = db.transaction(["meta", "outbox"], "readwrite");
    let meta = await req(tx.objectStore("meta").get("client"));
    if (!meta) {
      meta = newClient();
      tx.objectStore("meta").put(meta);
    }
    const outbox = await req(tx.objectStore("outbox").getAll());
    await done(tx);
    return { meta, outbox: outbox.sort((a, b) => a.id - b.id) };
  }

  // Queue a change; its id is the next in this phone's count, 1, 2, 3…
  // ``by``: the account signed in on the page that made it.
  async function enqueue(name, args, about, by) {
    const db = await open();
    const tx = db.transaction(["meta", "outbox"], "readwrite");
    const meta = await req(tx.objectStore("meta").get("client")) || newClient();
    const mutation = { id: meta.next_id, name, args, about: about || null, by: by || null,
                       at: Date.now() };
    meta.next_id += 1;
    tx.objectStore("meta").put(meta);
    tx.objectStore("outbox").put(mutation);
    await done(tx);
    return mutation;
  }

  async function all(storeName) {
    const db = await open();
    return req(db.transaction(storeName).objectStore(storeName).getAll());
  }

  // A new sync identity: for a new account on this browser, or after the
  // server said our count went astray. Unsent changes are renumbered from 1.
  async function rotate(keepOutbox) {
    const db = await open();
    const tx = db.transaction(["meta", "outbox"], "readwrite");
    const outbox = await req(tx.objectStore("outbox").getAll());
    tx.objectStore("outbox").clear();
    const meta = newClient();
    if (keepOutbox) {
      for (const m of outbox.sort((a, b) => a.id - b.id)) {
        tx.objectStore("outbox").put({ ...m, id: meta.next_id });
        meta.next_id += 1;
      }
    }
    tx.objectStore("meta").put(meta);
    await done(tx);
  }

  function announce(message) {
    if (typeof BroadcastChannel === "function") {
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage(message);
      channel.close();
    }
  }

  class SyncError extends Error {
    constructor(message, { retry, after = 0, refused = false }) {
      super(message);
      this.retry = retry;      // worth sending again later
      this.after = after;      // seconds the server asked us to wait (429, 503)
      this.refused = refused;  // the server can never take this push as it is
    }
  }

  // A change the server will never take (its push answered a 4xx that no
  // retry can mend): kept as a rejected result, so the page says so, and out
  // of the queue, so the changes behind it still go.
  async function setAside(db, meta, mutations, error) {
    const tx = db.transaction(["outbox", "results"], "readwrite");
    const kept = mutations.map((mutation) => {
      tx.objectStore("outbox").delete(mutation.id);
      const result = resultOf(meta, mutation, { status: "rejected", error });
      tx.objectStore("results").put(result);
      return result;
    });
    await done(tx);
    return kept;
  }

  // What the server said of a change, kept with what the change was (whose,
  // about what, its place in the queue) until the page has said it.
  function resultOf(meta, mutation, answer) {
    return { ...answer, id: `${meta.client_id}:${mutation.id}`, name: mutation.name,
             args: mutation.args, about: mutation.about, by: mutation.by || null,
             seq: mutation.id, at: Date.now(), seen: false };
  }

  async function refusal(response) {
    try {
      return (await response.json()).error || null;
    } catch (err) {
      return null;  // not JSON
    }
  }

  function seconds(response) {
    const value = Number(response.headers.get("Retry-After"));
    return Number.isFinite(value) && value > 0 ? Math.min(value, 3600) : 0;
  }

  async function pushOnce(limit = 100) {
    const db = await open();
    const { meta, outbox } = await snapshot(db);
    if (!outbox.length) return [];
    // One account's changes at a time, in order: the first change's account
    // and those after it of the same (the server refuses them in another's name).
    const by = outbox[0].by || null;
    const mine = outbox.findIndex((m) => (m.by || null) !== by);
    const batch = outbox.slice(0, Math.min(limit, mine === -1 ? outbox.length : mine));
    let response;
    try {
      response = await fetch("/api/sync/push", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({
          client_id: meta.client_id,
          mutations: batch.map(({ id, name, args }) => ({ id, name, args })),
          ...(by ? { account: by } : {}),
        }),
      });
    } catch (err) {
      throw new SyncError("offline", { retry: true });
    }
    if (response.status === 409 || response.status === 403) {
      const error = await refusal(response);
      if (error?.code === "other_account" || (error?.code === "client_taken" && !by)) {
        // Made while someone else was signed in here (or by nobody known, on
        // an identity another account holds): never sent in this account's
        // name. Set aside with the server's words; the rest still go.
        return setAside(db, meta, batch, error);
      }
      // Our count no longer matches the server's (a lost queue, this phone's
      // identity another account's): a new identity, everything sent again.
      await rotate(true);
      throw new SyncError("renumbered", { retry: true });
    }
    if (response.status === 401) throw new SyncError("signed-out", { retry: false });
    if (response.status === 429 || response.status >= 500) {
      // Too many at once, or the server is away: wait (as long as it asks), then again.
      throw new SyncError(`server ${response.status}`, { retry: true, after: seconds(response) });
    }
    if (!response.ok) {
      // 400, 413, 415…: this push as it is will never be taken. Alone, the
      // first change is set aside with the server's words; in company, the
      // caller sends it alone to find out which change it is.
      if (batch.length > 1) throw new SyncError("refused", { retry: false, refused: true });
      const error = await refusal(response) || { code: "refused", message: "" };
      return setAside(db, meta, batch, error);
    }
    const body = await response.json();
    const byId = new Map(outbox.map((m) => [m.id, m]));
    const tx = db.transaction(["outbox", "results"], "readwrite");
    const results = [];
    for (const result of body.results) {
      const sent = byId.get(result.id);
      tx.objectStore("outbox").delete(result.id);
      if (sent) {
        const kept = resultOf(meta, sent, result);
        tx.objectStore("results").put(kept);
        results.push(kept);
      }
    }
    // (The identity is not written back: a change queued while this push was
    // out has moved the count on, and an old copy would hand its id out again.)
    await done(tx);
    return results;
  }

  // Send everything queued. One tab or worker at a time (Web Locks), so a
  // page and Background Sync never push the same changes at once.
  async function flush() {
    const run = async () => {
      const results = [];
      let limit = 100;
      for (let round = 0; round < 40; round += 1) {
        let batch;
        try {
          batch = await pushOnce(limit);
        } catch (err) {
          if (!err.refused) throw err;
          limit = 1; // one at a time until the change the server refuses is found
          continue;
        }
        if (!batch.length) break;
        results.push(...batch);
      }
      if (results.length) announce({ type: "synced", results, from: SENDER });
      return results;
    };
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, run);
    }
    return run();
  }

  async function markSeen(ids) {
    const db = await open();
    const tx = db.transaction("results", "readwrite");
    for (const id of ids) {
      const found = await req(tx.objectStore("results").get(id));
      if (found) tx.objectStore("results").put({ ...found, seen: true });
    }
    await done(tx);
  }

  async function clear() {
    const db = await open();
    const tx = db.transaction(["outbox", "results"], "readwrite");
    tx.objectStore("outbox").clear();
    tx.objectStore("results").clear();
    await done(tx);
    await rotate(false);
  }

  scope.OutingsOutbox = {
    enqueue, flush, markSeen, clear, rotate, announce, CHANNEL, SENDER,
    pending: () => all("outbox"),
    results: () => all("results"),
  };
})(self);
