// "Nearest first" on the list of outings. The parent's position is asked for
// only when she taps the button, used on her phone to order each day's cards
// by the distance to their venue, and never sent anywhere. Once she has said
// yes, the list is ordered so again on her next visits.
const KEPT = "outings-nearest-first";

function kilometres(here, there) {
  const rad = (deg) => (deg * Math.PI) / 180;
  const dLat = rad(there.lat - here.lat);
  const dLon = rad(there.lon - here.lon);
  const a = Math.sin(dLat / 2) ** 2
    + Math.cos(rad(here.lat)) * Math.cos(rad(there.lat)) * Math.sin(dLon / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(a));
}

function order(root, here) {
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    style: "unit", unit: "kilometer", maximumFractionDigits: 1,
  });
  for (const cards of root.querySelectorAll(".day .cards")) {
    const items = [...cards.children];
    const away = new Map(items.map((card) => {
      const { lat, lon } = card.dataset;
      return [card, lat && lon ? kilometres(here, { lat: Number(lat), lon: Number(lon) }) : Infinity];
    }));
    for (const card of items) {
      let label = card.querySelector(".outing-distance");
      if (!Number.isFinite(away.get(card))) continue;
      if (!label) {
        label = document.createElement("span");
        label.className = "outing-distance";
        card.querySelector(".outing-where")?.append(label);
      }
      label.textContent = ` · ${format.format(away.get(card))}`;
    }
    // a stable sort: outings with no venue keep their time order, last
    cards.append(...items.sort((a, b) => away.get(a) - away.get(b)));
  }
}

function timeOrder(root) {
  for (const cards of root.querySelectorAll(".day .cards")) {
    const items = [...cards.children].sort((a, b) => a.dataset.rank - b.dataset.rank);
    for (const label of cards.querySelectorAll(".outing-distance")) label.remove();
    cards.append(...items);
  }
}

function locate(root, box, button, status) {
  navigator.geolocation.getCurrentPosition(
    (position) => {
      localStorage.setItem(KEPT, "on");
      order(root, { lat: position.coords.latitude, lon: position.coords.longitude });
      button.setAttribute("aria-pressed", "true");
      status.textContent = box.dataset.sorted;
    },
    () => {
      localStorage.removeItem(KEPT);
      button.setAttribute("aria-pressed", "false");
      status.textContent = box.dataset.refused;
    },
    { maximumAge: 10 * 60 * 1000, timeout: 15000 },
  );
}

export function startNear(root) {
  const box = root.querySelector("[data-near]");
  if (!box || !("geolocation" in navigator)) return;
  const button = box.querySelector("button");
  const status = box.querySelector("[role=status]");
  for (const cards of root.querySelectorAll(".day .cards")) {
    [...cards.children].forEach((card, rank) => { card.dataset.rank = String(rank); });
  }
  box.hidden = false;
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-pressed") === "true") {
      localStorage.removeItem(KEPT);
      button.setAttribute("aria-pressed", "false");
      status.textContent = "";
      timeOrder(root);
    } else {
      locate(root, box, button, status);
    }
  });
  if (localStorage.getItem(KEPT) === "on") {
    // ask again only if she already said yes: never a prompt on arrival
    navigator.permissions?.query({ name: "geolocation" }).then((permission) => {
      if (permission.state === "granted") locate(root, box, button, status);
    }).catch(() => {});
  }
}
