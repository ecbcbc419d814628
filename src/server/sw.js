// Shengyuan's service worker: after one visit the 生源信息 page, its code, its styles and the
// division picker's data open without a network. Served by the app at /sw.js with its version
// filled in: a rebuilt app has a new version, so the browser installs the new worker, which
// fills a new cache and deletes the old ones.
"use strict";

const VERSION = "__VERSION__";
const SHELL = "shengyuan-shell-" + VERSION;
const PAGES = "shengyuan-pages-" + VERSION;
const SHELL_FILES = [
  "__PKG__.js",
  "__PKG__.wasm",
  "__PKG__.css",
  "/favicon.svg",
  "/icon-192.png",
  "/manifest.webmanifest",
  "/divisions.json",
];
// Pages a student may need on a bad connection; kept per build, removed at logout.
const OFFLINE_PAGES = ["/student", "/student/survey"];
// On a slow network the saved copy is shown after this long; the answer still refreshes it.
const NETWORK_WAIT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("shengyuan-") && key !== SHELL && key !== PAGES)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim())
      .then(keepPages),
  );
});

// The page asks for its saved copies to be forgotten (退出 on a shared computer), or to be
// saved again (after the student's first visit, and after each change the server confirmed).
self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(forgetPages());
  } else if (event.data === "keep-pages") {
    event.waitUntil(keepPages());
  }
});

// Bumped at every forgetting: a page fetched before it is not kept after it.
let generation = 0;
function forgetPages() {
  generation += 1;
  return caches.delete(PAGES);
}

// Fetches the offline pages as the logged-in student sees them now (a student who arrived by an
// in-app link never loaded them whole). A redirect means nobody is logged in: nothing is kept.
function keepPages() {
  const started = generation;
  return Promise.all(
    OFFLINE_PAGES.map((path) =>
      fetch(path, { credentials: "same-origin", cache: "no-store" })
        .then((response) =>
          caches.open(PAGES).then((cache) => {
            // Checked right before writing: a logout meanwhile wins.
            if (generation !== started) return undefined;
            if (response.ok && !response.redirected) return cache.put(path, response);
            return cache.delete(path);
          }),
        )
        .catch(() => undefined),
    ),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/api/logout") {
    // Logging out forgets the saved pages (they hold the student's data) before it is sent.
    event.respondWith(forgetPages().then(() => fetch(request)));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && OFFLINE_PAGES.includes(url.pathname)) {
    event.respondWith(page(event, request, url.pathname));
  } else if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(shellFile(request, url.pathname));
  } else if (url.pathname === "/api/divisions") {
    event.respondWith(divisionChildren(request, url.searchParams.get("parent") || ""));
  }
});

// Network first (the page carries the latest state); the saved copy when the network fails or
// is too slow. Only a real page for a logged-in student is kept: a redirect (to /login) is not.
function page(event, request, path) {
  const started = generation;
  const fromNetwork = fetch(request);
  // Saving the answer outlives the response (which may be the saved copy, after a slow start).
  event.waitUntil(
    fromNetwork
      .then((response) => {
        const ended = response.redirected || response.type === "opaqueredirect";
        if (!(response.ok && response.type === "basic") && !ended) return undefined;
        const copy = ended ? null : response.clone();
        return caches.open(PAGES).then((cache) => {
          if (generation !== started) return undefined;
          // Logged out or the session ended: the saved copy must not outlive it.
          return copy ? cache.put(path, copy) : cache.delete(path);
        });
      })
      .catch(() => undefined),
  );
  const fallback = () =>
    caches.match(path, { cacheName: PAGES }).then((saved) => saved || offlinePage());
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS)).then(() =>
    caches.match(path, { cacheName: PAGES }),
  );
  return Promise.race([
    fromNetwork.catch(fallback),
    slow.then((saved) => saved || fromNetwork.catch(fallback)),
  ]);
}

function offlinePage() {
  return new Response(
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      "<title>当前离线</title><p>当前没有网络，本机也还没有保存这个页面。请联网后再打开。</p></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
}

// The code and styles must match the page the server sent: online they are revalidated (a 304
// costs no body), and the saved copy refreshed; offline, or when the answer is too slow, the
// saved copy is used.
function shellFile(request, path) {
  const saved = () => caches.match(path, { cacheName: SHELL });
  const fromNetwork = fetch(request, { cache: "no-cache" }).then((response) => {
    if (!response.ok) throw new Error("status " + response.status);
    const copy = response.clone();
    caches.open(SHELL).then((cache) => cache.put(path, copy));
    return response;
  });
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS)).then(saved);
  const fallback = () => saved().then((copy) => copy || fetch(request));
  return Promise.race([
    fromNetwork.catch(fallback),
    slow.then((copy) => copy || fromNetwork.catch(fallback)),
  ]);
}

// The picker's levels, answered from the whole list saved at install; the network when the
// list has no entry (it always has, unless the install failed).
let divisionList = null;
function divisionChildren(request, parent) {
  const list = divisionList
    ? Promise.resolve(divisionList)
    : caches
        .match("/divisions.json", { cacheName: SHELL })
        .then((saved) => (saved ? saved.json() : null))
        .then((parsed) => (divisionList = parsed));
  return list
    .then((all) => {
      const children = all && all[parent];
      if (!children) return fetch(request);
      const body = children.map(([code, name, more]) => ({ code, name, has_children: more }));
      return new Response(JSON.stringify(body), {
        headers: { "Content-Type": "application/json" },
      });
    })
    .catch(() => fetch(request));
}
