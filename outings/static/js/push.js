// "Tell me on this phone" on /me (issue 14): asks for the notification
// permission only when the parent taps, subscribes this browser with the
// server's VAPID key, and hands the subscription to the server.

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function turnOn(section, status) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    status.textContent = section.dataset.denied;
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ||
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(section.dataset.key),
    }));
  const response = await fetch("/api/push/subscriptions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(subscription.toJSON()),
  });
  if (!response.ok) throw new Error(`push subscription refused: ${response.status}`);
  status.textContent = section.dataset.done;
  // the list of devices below shows this one once the page is drawn again
  window.location.assign("/me#push");
  window.location.reload();
}

export function startPush(root) {
  const section = root.getElementById("push");
  const button = root.getElementById("push-on");
  if (!section || !button) return;
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    return; // this browser cannot be told: the button stays hidden
  }
  const status = section.querySelector(".push-status");
  if (Notification.permission === "denied") {
    status.textContent = section.dataset.denied;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      await turnOn(section, status);
    } catch (error) {
      console.warn(error);
      status.textContent = section.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });
}
