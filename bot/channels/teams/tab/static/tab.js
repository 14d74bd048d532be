// The channel tab: after Teams signs the user in (SSO), show their own preps, notes and
// measured outcomes.
// The playbook and timeline are already in the page; nothing private is, until the API
// answers for a valid token. Text goes in through textContent only, never as markup.
(function () {
  "use strict";

  const SIGN_IN_TIMEOUT_MS = 8000;
  const body = document.body;
  const status = document.getElementById("preps-status");
  const list = document.getElementById("preps");

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function settle(state, message) {
    if (status && message) status.textContent = message;
    body.dataset.preps = state;
  }

  function withTimeout(promise) {
    return Promise.race([
      promise,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), SIGN_IN_TIMEOUT_MS)),
    ]);
  }

  function renderPrep(prep) {
    const item = el("li", "prep");
    item.dataset.prepId = String(prep.id);
    const title = el("h3", null, "#" + prep.id + " · " + prep.stakeholder + " · " + String(prep.status).replace("_", " "));
    item.append(title);
    if (prep.goal) item.append(el("p", "goal", "Goal: " + prep.goal));
    if (prep.planned_date) item.append(el("p", "planned", "Talk planned for " + prep.planned_date));
    const notes = el("div", "notes");
    for (const note of prep.notes || []) {
      const block = el("details", "note");
      block.append(el("summary", null, note.step));
      block.append(el("pre", null, note.text));
      notes.append(block);
    }
    item.append(notes);
    return item;
  }

  function renderOutcomes(outcomes) {
    const shown = document.getElementById("outcomes");
    const note = document.getElementById("outcomes-status");
    if (!shown || !note) return;
    shown.replaceChildren(...outcomes.map((view) => {
      const item = el("li", "outcome");
      item.dataset.prepId = String(view.prep_id);
      item.append(el("p", "progress", "#" + view.prep_id + " · " + view.progress));
      item.append(el("p", "standing", view.standing));
      return item;
    }));
    shown.hidden = outcomes.length === 0;
    note.textContent = outcomes.length
      ? "Only you see these. Record a new number in our personal chat: outcome N VALUE."
      : "No measured outcomes for this stakeholder yet. A debrief after the talk adds one.";
  }

  function renderPreps(preps) {
    list.replaceChildren(...preps.map(renderPrep));
    list.hidden = preps.length === 0;
    settle("shown", preps.length ? "Your own preps (only you see these):" : "You have no preps for this stakeholder yet. Start one in our personal chat.");
  }

  async function showOwnPreps(teams) {
    const token = await withTimeout(teams.authentication.getAuthToken());
    const url = body.dataset.api + "?stakeholder=" + encodeURIComponent(body.dataset.stakeholder);
    const response = await fetch(url, {
      headers: { Authorization: "Bearer " + token },
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 401) {
      settle("refused", "Teams could not sign you in, so only the playbook is shown.");
      return;
    }
    if (!response.ok) throw new Error("HTTP " + response.status);
    const found = await response.json();
    renderOutcomes(found.outcomes || []);
    renderPreps(found.preps || []);
  }

  async function start() {
    const teams = window.microsoftTeams;
    if (!teams) {
      settle("unavailable", "Open this tab in Microsoft Teams to see your own preps.");
      return;
    }
    await withTimeout(teams.app.initialize());
    if (!body.classList.contains("tab") || body.dataset.sso !== "on") {
      settle("unavailable", "Sign-in is not set up for this tab, so only the playbook is shown.");
      return;
    }
    await showOwnPreps(teams);
  }

  function run() {
    start().catch(() => settle("unavailable", "Sign-in is not available here, so only the playbook is shown."));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
