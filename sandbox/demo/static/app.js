// newsdesk sandbox page: keeps both panes live and sends what you type and press to the bot.
// The HTML of the panes is built by the server from escaped text only (see bot/demo/entities.py),
// so it is put in place as is; nothing here builds markup from message content.
"use strict";

(() => {
  const body = document.body;
  const bot = body.dataset.bot || "";
  const channelName = (body.dataset.channel || "").replace(/^@/, "").toLowerCase();
  const el = (id) => document.getElementById(id);
  const channel = el("channel-messages");
  const chat = el("chat-messages");
  const menu = el("menu");
  const menuButton = el("menu-button");
  const input = el("chat-input");
  const toast = el("toast");
  const live = el("live");
  let persona = body.dataset.as || "subscriber";
  let etag = body.dataset.etag || "";
  let polling = null;
  let toastTimer = null;
  let edition = 0; // which channel the channel pane shows (the editions' tabs)
  let lastState = null;
  const shown = new Map(); // pane -> the HTML last put in it

  // -- rendering ---------------------------------------------------------------------------

  function nearBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  }

  function replace(box, html, forceBottom) {
    if (shown.get(box) === html) return;
    const stick = forceBottom || nearBottom(box);
    box.innerHTML = html;
    shown.set(box, html);
    if (stick) box.scrollTop = box.scrollHeight;
  }

  function polish(root) {
    for (const t of root.querySelectorAll("time[data-ts]")) {
      const when = new Date(Number(t.dataset.ts) * 1000);
      t.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
    for (const img of root.querySelectorAll(".photo img")) {
      if (img.complete && img.naturalWidth === 0) markBroken(img);
    }
  }

  function markBroken(img) {
    const figure = img.closest(".photo");
    if (figure) figure.classList.add("broken");
  }

  // Images fail here without a network; error events do not bubble, so listen while capturing.
  document.addEventListener("error", (event) => {
    if (event.target instanceof HTMLImageElement) markBroken(event.target);
  }, true);

  function apply(state, switched) {
    if (state.as !== persona) return; // an answer for the persona we just left
    etag = state.etag;
    // Decide before the pinned bar appears: it shrinks the channel pane.
    const stickChannel = nearBottom(channel);
    lastState = state;
    const shownEdition = (state.editions || [])[edition];
    el("pinned").innerHTML = edition === 0 ? state.pinned : "";
    replace(channel, shownEdition ? shownEdition.html : state.channel, stickChannel);
    replace(chat, state.chat, switched);
    el("post-count").textContent = String(shownEdition ? shownEdition.count : state.count);
    if (shownEdition) {
      el("channel-title").textContent = shownEdition.title;
      el("channel-handle").textContent = shownEdition.handle;
    }
    menu.innerHTML = state.menu;
    polish(document);
  }

  // -- live updates: a long poll that returns as soon as either pane changes ---------------

  async function poll() {
    for (;;) {
      const controller = new AbortController();
      polling = controller;
      try {
        const query = new URLSearchParams({ as: persona, etag, wait: "20" });
        const response = await fetch(`/api/state?${query}`, { signal: controller.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        apply(await response.json(), false);
        live.classList.remove("offline");
        el("live-text").textContent = "live";
      } catch (error) {
        if (controller.signal.aborted) continue;
        live.classList.add("offline");
        el("live-text").textContent = "reconnecting…";
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
  }

  async function refresh(switched) {
    const query = new URLSearchParams({ as: persona, etag: "" });
    const response = await fetch(`/api/state?${query}`);
    if (response.ok) apply(await response.json(), switched);
  }

  // -- acting ------------------------------------------------------------------------------

  async function post(path, data) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ as: persona, ...data }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
    return answer;
  }

  async function send(text) {
    const trimmed = text.trim();
    if (!trimmed) return;
    try {
      await post("/api/send", { text: trimmed });
      chat.scrollTop = chat.scrollHeight;
    } catch (error) {
      showToast(`Not sent: ${error.message}`);
    }
  }

  async function press(button) {
    button.classList.add("busy");
    try {
      const answer = (await post("/api/press", {
        where: button.dataset.where,
        edition: button.dataset.where === "channel" ? edition : 0,
        message_id: Number(button.dataset.mid),
        data: button.dataset.cb,
      })).answer;
      if (answer && answer.text) showToast(answer.text, answer.show_alert, startPayload(answer.url));
    } catch (error) {
      showToast(`Not pressed: ${error.message}`);
    } finally {
      button.classList.remove("busy");
    }
  }

  // A t.me link to this bot with ?start= opens the chat and sends /start <payload> in Telegram.
  function startPayload(href) {
    if (!href) return null;
    try {
      const url = new URL(href);
      const name = url.pathname.replace(/^\//, "").toLowerCase();
      if (url.hostname === "t.me" && name === bot.toLowerCase()) return url.searchParams.get("start") ?? "";
    } catch (error) { /* not a URL */ }
    return null;
  }

  // A t.me/<channel>/<id> link (the editor's "Published: …") points at a post of this channel.
  function channelPost(href) {
    try {
      const url = new URL(href);
      const [name, id] = url.pathname.replace(/^\//, "").split("/");
      if (url.hostname === "t.me" && channelName && name.toLowerCase() === channelName) {
        return el(`channel-${Number(id)}`);
      }
    } catch (error) { /* not a URL */ }
    return null;
  }

  function reveal(post) {
    post.scrollIntoView({ behavior: "smooth", block: "center" });
    post.classList.remove("flash");
    void post.offsetWidth; // restart the highlight animation
    post.classList.add("flash");
  }

  function placeholder() {
    input.placeholder = persona === "admin" ? "Message — try /breaking Your headline" : "Message — try /latest";
  }

  function showToast(text, alert, payload) {
    clearTimeout(toastTimer);
    toast.replaceChildren();
    const message = document.createElement("span");
    message.textContent = text; // textContent: a toast is plain text, never markup
    toast.append(message);
    if (payload !== null && payload !== undefined) {
      const open = document.createElement("button");
      open.textContent = `Open @${bot}`;
      open.addEventListener("click", () => { hideToast(); send(payload ? `/start ${payload}` : "/start"); });
      toast.append(open);
    }
    if (alert) {
      const ok = document.createElement("button");
      ok.textContent = "OK";
      ok.addEventListener("click", hideToast);
      toast.append(ok);
    }
    toast.classList.toggle("alert", Boolean(alert));
    toast.hidden = false;
    if (!alert) toastTimer = setTimeout(hideToast, 3500);
  }

  function hideToast() {
    toast.hidden = true;
  }

  function switchPersona(next) {
    if (next === persona) return;
    persona = next;
    body.dataset.as = next;
    const url = new URL(window.location.href);
    url.searchParams.set("as", next);
    history.replaceState(null, "", url);
    placeholder();
    if (polling) polling.abort();
    refresh(true);
  }

  // -- events ------------------------------------------------------------------------------

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const button = target.closest("button.kb[data-cb]");
    if (button) { press(button); return; }
    const tab = target.closest("button.edition-tab[data-edition]");
    if (tab) {
      edition = Number(tab.dataset.edition);
      for (const other of document.querySelectorAll("button.edition-tab")) {
        other.setAttribute("aria-pressed", other === tab ? "true" : "false");
      }
      shown.delete(channel); // another channel: redraw the pane
      if (lastState) apply(lastState, false);
      channel.scrollTop = channel.scrollHeight;
      return;
    }
    const command = target.closest("[data-cmd]");
    if (command) {
      event.preventDefault();
      menu.hidden = true;
      menuButton.setAttribute("aria-expanded", "false");
      send(command.dataset.cmd);
      return;
    }
    const pinned = target.closest(".pinned-bar");
    if (pinned) {
      event.preventDefault();
      const post = el(`channel-${pinned.dataset.mid}`);
      if (post) reveal(post);
      return;
    }
    const link = target.closest("a[href]");
    if (link) {
      const payload = startPayload(link.href);
      const post = channelPost(link.href);
      if (payload !== null) { event.preventDefault(); send(payload ? `/start ${payload}` : "/start"); }
      else if (post) { event.preventDefault(); reveal(post); }
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (event.key === "Enter" && target && target.matches("[data-cmd][role=button]")) {
      event.preventDefault();
      send(target.dataset.cmd);
    }
  });

  el("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });

  menuButton.addEventListener("click", () => {
    menu.hidden = !menu.hidden;
    menuButton.setAttribute("aria-expanded", String(!menu.hidden));
  });

  for (const radio of document.querySelectorAll("input[name=persona]")) {
    radio.addEventListener("change", () => { if (radio.checked) switchPersona(radio.value); });
  }

  channel.scrollTop = channel.scrollHeight;
  chat.scrollTop = chat.scrollHeight;
  placeholder();
  polish(document);
  poll();
})();
