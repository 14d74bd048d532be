// The prep-talk playground: sends each turn to the JSON API, keeps the transcript, the step
// bar, the answer box and the "Your preps" list in step. Rendering lives in render.js.
(function () {
  "use strict";

  const { el, cssToken, humanise, formatDate, renderReply, highlightTerms } = window.PrepTalkRender;

  const STEP_ORDER = ["feel", "focus", "timing", "simplify", "why", "brief"];
  const api = document.body.dataset.api;
  const transcript = document.getElementById("transcript");
  const composer = document.getElementById("composer");
  const textBox = document.getElementById("composer-text");
  const status = document.getElementById("status");
  const prepList = document.getElementById("preps");
  const prepsEmpty = document.getElementById("preps-empty");
  const stakeholderNames = new Map();
  let busy = false;
  let turnsDone = 0;

  // ---- scrolling ---------------------------------------------------------------------

  function scrollToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  /** Show a turn's new messages: all of them if they fit, else from their first line. */
  function reveal(first) {
    if (!first || transcript.scrollHeight - first.offsetTop <= transcript.clientHeight) {
      scrollToEnd();
    } else {
      transcript.scrollTop = first.offsetTop - 12;
    }
  }

  // ---- talking to the server ---------------------------------------------------------

  async function call(path, body) {
    const options = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(api + path, options);
    let answer = null;
    try {
      answer = await response.json();
    } catch (_) {
      answer = null;
    }
    if (!response.ok) {
      const message = answer && typeof answer.error === "string" ? answer.error : null;
      throw new Error(message || "The server answered " + response.status + ".");
    }
    return answer;
  }

  function setBusy(value) {
    busy = value;
    transcript.setAttribute("aria-busy", value ? "true" : "false");
    status.textContent = value ? "The coach is thinking…" : "";
    for (const button of document.querySelectorAll(".stakeholder, .resume, #composer button")) {
      button.disabled = value;
    }
  }

  /** Send one turn, echo what the user did, render the replies. */
  async function runTurn(body, echo) {
    if (busy) return;
    for (const button of transcript.querySelectorAll(".choices button")) button.disabled = true;
    setBusy(true);
    const echoed = echo ? addUserMessage(echo) : null;
    try {
      const answer = await call("/turn", body);
      const replies = Array.isArray(answer.replies) ? answer.replies : [];
      if (echoed && typeof body.text === "string") highlightTerms(echoed, body.text, replies);
      replies.forEach(addReply);
      settle(replies[replies.length - 1]);
      reveal(echoed ? echoed.closest(".message") : null);
    } catch (error) {
      addError(error.message);
    } finally {
      setBusy(false);
      focusNext();
      await refreshPreps();
      document.body.dataset.turns = String(++turnsDone);
    }
  }

  function startPrep(stakeholderId, label) {
    clearTranscript();
    runTurn({ command: "start", argument: stakeholderId }, "Prepare a conversation with " + label);
  }

  function resumePrep(prep) {
    clearTranscript();
    runTurn(
      { command: "resume", argument: String(prep.id) },
      "Resume the prep for " + (stakeholderNames.get(prep.stakeholder) || prep.stakeholder),
    );
  }

  // ---- the transcript ----------------------------------------------------------------

  function clearTranscript() {
    transcript.replaceChildren();
    composer.hidden = true;
    markStep(null);
  }

  function addUserMessage(text) {
    const message = el("article", "message user");
    message.append(el("p", "message-author", "You"));
    message.append(el("div", "message-body draft", text));
    transcript.append(message);
    scrollToEnd();
    return message.querySelector(".message-body");
  }

  function addError(text) {
    const message = el("div", "message error");
    message.setAttribute("role", "alert");
    message.append(el("p", null, text));
    transcript.append(message);
    scrollToEnd();
  }

  function addReply(reply) {
    const message = renderReply(reply, (choice) =>
      runTurn({ choice: choice.value }, choice.label),
    );
    transcript.append(message);
  }

  /** Show the composer only when the coach wants free text; mark the current step. */
  function settle(last) {
    if (!last) return;
    markStep(last.step);
    composer.hidden = last.expects !== "text";
    if (last.expects === "none") {
      const note = el("p", "end-note", "This prep is paused or finished. Resume it from “Your preps”, or start another.");
      transcript.append(note);
    }
  }

  function focusNext() {
    if (!composer.hidden) {
      textBox.focus();
      return;
    }
    const choice = transcript.querySelector(".message:last-child .choices button:not(:disabled)");
    if (choice) choice.focus();
  }

  function markStep(step) {
    const position = STEP_ORDER.indexOf(step);
    for (const item of document.querySelectorAll("#steps li")) {
      const index = STEP_ORDER.indexOf(item.dataset.step);
      item.classList.toggle("done", position >= 0 && index < position);
      if (index === position) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
  }

  // ---- the sidebar ---------------------------------------------------------------------

  async function refreshPreps() {
    try {
      const answer = await call("/preps");
      renderPreps(Array.isArray(answer.preps) ? answer.preps : []);
    } catch (error) {
      prepList.replaceChildren();
      prepsEmpty.hidden = false;
      prepsEmpty.textContent = error.message;
    }
  }

  function renderPreps(preps) {
    prepList.replaceChildren();
    prepsEmpty.hidden = preps.length > 0;
    prepsEmpty.textContent = "None yet. Start one above.";
    for (const prep of preps) {
      const item = el("li", "prep");
      const text = el("div", "prep-text");
      const who = stakeholderNames.get(prep.stakeholder) || prep.stakeholder;
      text.append(el("span", "prep-stakeholder", who));
      if (prep.goal) text.append(el("span", "prep-goal", prep.goal));
      const meta = el("span", "prep-meta");
      meta.append(el("span", "prep-status status-" + cssToken(prep.status), humanise(prep.status)));
      const when = prep.planned_date ? "talk on " + formatDate(prep.planned_date) : "started " + formatDate(prep.created_at);
      meta.append(document.createTextNode(" · " + when));
      text.append(meta);
      item.append(text);
      const button = el("button", "resume", "Resume");
      button.type = "button";
      button.disabled = busy;
      button.setAttribute("aria-label", "Resume the prep for " + who);
      button.dataset.prep = String(prep.id);
      button.addEventListener("click", () => resumePrep(prep));
      item.append(button);
      prepList.append(item);
    }
  }

  // ---- wiring --------------------------------------------------------------------------

  for (const button of document.querySelectorAll(".stakeholder")) {
    const id = button.dataset.stakeholder;
    const name = button.querySelector(".stakeholder-name").textContent;
    const role = button.querySelector(".stakeholder-role").textContent;
    stakeholderNames.set(id, name);
    button.addEventListener("click", () => startPrep(id, role));
  }

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textBox.value;
    if (!text.trim() || busy) return;
    textBox.value = "";
    runTurn({ text: text }, text);
  });

  textBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  refreshPreps();
})();
