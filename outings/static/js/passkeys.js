// Passkey ceremonies: register, sign in, add a passkey to a signed-in account.
// Uses the browser's own JSON helpers where it has them (Chromium, Safari 18,
// Firefox 119+) and a small base64url fallback elsewhere.

const b64urlToBytes = (value) => {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
};

const bytesToB64url = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    user: { ...json.user, id: b64urlToBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: b64urlToBytes(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: b64urlToBytes(c.id) })),
  };
}

function credentialJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: bytesToB64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = bytesToB64url(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = bytesToB64url(r.authenticatorData);
    response.signature = bytesToB64url(r.signature);
    if (r.userHandle) response.userHandle = bytesToB64url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: bytesToB64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

class ApiError extends Error {
  constructor(body) {
    super(body?.error?.message || "request failed");
    this.error = body?.error || {};
  }
}

async function postJSON(url, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ error: { code: "network" } });
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data);
  return data;
}

function messages(root) {
  const node = root.getElementById("passkey-messages");
  return node ? JSON.parse(node.textContent) : {};
}

// Put a message in plain words where the person is looking.
function reporter(container, words) {
  const error = container.querySelector(".form-error");
  const status = container.querySelector(".form-status");
  return {
    busy(on) {
      container.querySelectorAll("button").forEach((b) => { b.disabled = on; });
      if (status) status.textContent = on ? words.working : "";
      if (on && error) error.hidden = true;
    },
    fail(err) {
      let text = words.failed;
      if (err instanceof ApiError) {
        text = err.error.code === "network" ? words.network : err.error.message || words.failed;
      } else if (err?.name === "NotAllowedError" || err?.name === "AbortError") {
        text = words.cancelled;
      } else if (err?.name === "InvalidStateError") {
        text = words.exists;
      }
      if (error) {
        error.textContent = text;
        error.hidden = false;
      }
    },
    done(text) {
      if (status) status.textContent = text;
    },
  };
}

function supported() {
  return typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

async function register(displayName) {
  const options = await postJSON("/api/auth/register/options", { display_name: displayName });
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  return postJSON("/api/auth/register/verify", credentialJSON(credential));
}

async function signIn() {
  const options = await postJSON("/api/auth/login/options", {});
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  return postJSON("/api/auth/login/verify", credentialJSON(credential));
}

function showFieldError(form, name, text) {
  const input = form.querySelector(`[name="${name}"]`);
  const slot = form.querySelector(`#${name}-error`);
  if (!input || !slot) return false;
  slot.textContent = text;
  slot.hidden = !text;
  if (text) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    input.removeAttribute("aria-invalid");
  }
  return true;
}

export function startPasskeys(root) {
  const words = messages(root);
  const registerForm = root.getElementById("register-form");
  const loginForm = root.getElementById("login-form");
  const addButton = root.getElementById("add-passkey");
  const containers = [registerForm, loginForm, addButton?.parentElement].filter(Boolean);
  if (!containers.length) return;

  if (!supported()) {
    for (const container of containers) {
      const report = reporter(container, words);
      report.fail(new Error("unsupported"));
      const error = container.querySelector(".form-error");
      if (error) error.textContent = words.unsupported;
      container.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    }
    return;
  }

  registerForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const report = reporter(registerForm, words);
    const name = registerForm.elements.display_name.value;
    showFieldError(registerForm, "display_name", "");
    report.busy(true);
    try {
      await register(name);
      window.location.assign(registerForm.dataset.next || "/me");
    } catch (err) {
      report.busy(false);
      const fieldError = err instanceof ApiError && err.error.fields?.display_name;
      if (!(fieldError && showFieldError(registerForm, "display_name", fieldError))) report.fail(err);
    }
  });

  loginForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const report = reporter(loginForm, words);
    report.busy(true);
    try {
      await signIn();
      window.location.assign(loginForm.dataset.next || "/me");
    } catch (err) {
      report.busy(false);
      report.fail(err);
    }
  });

  addButton?.addEventListener("click", async () => {
    const container = addButton.parentElement;
    const report = reporter(container, words);
    report.busy(true);
    try {
      await register("");
      report.busy(false);
      report.done(words.added);
      window.location.reload();
    } catch (err) {
      report.busy(false);
      report.fail(err);
    }
  });
}
