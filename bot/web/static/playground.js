// The prep-talk playground: sends each turn to the JSON API, keeps the transcript, the step
// bar, the answer box, the "Your preps" list and the settings panel in step; after a brief it
// offers what comes next (read, download, rehearse, debrief, a new prep). Rendering lives in
// render.js.
(function () {
  "use strict";

  const { SETTINGS_EVENT, el, cssToken, humanise, formatDate, renderReply, highlightTerms } =
    window.PrepTalkRender;

  const STEP_ORDER = ["feel", "focus", "timing", "simplify", "why", "brief"];
  const api = document.body.dataset.api;
  const transcript = document.getElementById("transcript");
  const composer = document.getElementById("composer");
  const textBox = document.getElementById("composer-text");
  const status = document.getElementById("status");
  const prepList = document.getElementById("preps");
  const prepsEmpty = document.getElementById("preps-empty");
  const stakeholderNames = new Map();
  const welcome = transcript.querySelector(".welcome");
  let busy = false;
  let turnsDone = 0;
  let preps = [];

  // ---- scrolling ---------------------------------------------------------------------

  function scrollToEnd() {
    transcript.scrollTop = transcript.scrollHeight;
  }

  /** Show a turn's new messages: the new question when there is one (the last message that
   *  expects an answer), else all of them if they fit, else from their first line. */
  function reveal(first, added) {
    const questions = added.filter((message) => message.dataset.expects !== "none");
    const target = questions.length > 0 ? questions[questions.length - 1] : first;
    if (!target || transcript.scrollHeight - target.offsetTop <= transcript.clientHeight) {
      scrollToEnd();
    } else {
      transcript.scrollTop = target.offsetTop - 12;
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
    for (const button of document.querySelectorAll(".stakeholder, .resume, #composer button, .follow-through button")) {
      button.disabled = value;
    }
  }

  /** Send one turn, echo what the user did, render the replies. */
  async function runTurn(body, echo) {
    if (busy) return;
    for (const control of transcript.querySelectorAll(".choices button, .checklist input, .checklist button")) {
      control.disabled = true;
    }
    for (const bar of transcript.querySelectorAll(".follow-through")) bar.remove(); // now stale
    setBusy(true);
    const echoed = echo ? addUserMessage(echo) : null;
    let answer = null;
    try {
      answer = await call("/turn", body);
      const replies = Array.isArray(answer.replies) ? answer.replies : [];
      if (echoed && typeof body.text === "string") highlightTerms(echoed, body.text, replies);
      showReplies(replies, echoed ? echoed.closest(".message") : null);
    } catch (error) {
      addError(error.message);
    } finally {
      setBusy(false);
      await refreshPreps();
      if (answer) followThrough(answer.prep_id, answer.replies);
      focusNext();
      document.body.dataset.turns = String(++turnsDone);
    }
  }

  /** Render replies, settle the composer and step bar, and bring the new question into view. */
  function showReplies(replies, first) {
    const added = replies.map(addReply);
    settle(replies[replies.length - 1]);
    reveal(first || added[0] || null, added);
  }

  function startPrep(stakeholderId, label) {
    clearTranscript();
    runTurn({ command: "start", argument: stakeholderId }, "Prepare a conversation with " + label);
  }

  function nameOf(prep) {
    return stakeholderNames.get(prep.stakeholder) || prep.stakeholder;
  }

  function resumePrep(prep) {
    clearTranscript();
    runTurn({ command: "resume", argument: String(prep.id) }, "Resume the prep for " + nameOf(prep));
  }

  /** A finished prep: its brief (and debrief) to read again, and what can come next. */
  async function openPrep(prep) {
    if (busy) return;
    clearTranscript();
    setBusy(true);
    try {
      const answer = await call("/preps/" + encodeURIComponent(prep.id));
      const documents = Array.isArray(answer.documents) ? answer.documents : [];
      const replies = documents.map((doc) => ({ step: doc.step, text: "", document: doc.document }));
      showReplies(replies, null);
      transcript.scrollTop = 0;
    } catch (error) {
      addError(error.message);
    } finally {
      setBusy(false);
      followThrough(prep.id, []);
      document.body.dataset.turns = String(++turnsDone);
    }
  }

  /** After a reload: the prep in progress, at its open question. */
  async function showCurrent() {
    try {
      const answer = await call("/current");
      const replies = Array.isArray(answer.replies) ? answer.replies : [];
      if (replies.length > 0) {
        if (welcome && welcome.isConnected) welcome.remove();
        showReplies(replies, null);
        focusNext();
      }
    } catch (error) {
      addError(error.message);
    }
  }

  function newPrep() {
    clearTranscript();
    if (welcome) transcript.append(welcome);
    const first = document.querySelector(".stakeholder");
    if (first) first.focus();
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
    const message = renderReply(
      reply,
      (choice) => runTurn({ choice: choice.value }, choice.label),
      (picked) =>
        runTurn(
          { choices: picked.map((choice) => choice.value) },
          picked.map((choice) => choice.label).join("\n"),
        ),
    );
    transcript.append(message);
    return message;
  }

  /** Show the composer only when the coach wants free text; mark the current step. */
  function settle(last) {
    if (!last) return;
    markStep(last.step);
    composer.hidden = last.expects !== "text";
  }

  /** When a turn leaves nothing to answer, offer what can come next for its prep. */
  function followThrough(prepId, replies) {
    const last = replies[replies.length - 1];
    if (last && last.expects !== "none") return;
    const prep = preps.find((item) => item.id === prepId);
    const bar = el("nav", "follow-through");
    bar.setAttribute("aria-label", "What next");
    if (!prep) {
      bar.append(actionButton("New prep", newPrep));
      transcript.append(bar);
      return;
    }
    const finished = prep.status === "briefed" || prep.status === "closed";
    if (finished) {
      const download = el("a", "button download", "Download the prep (.md)");
      download.href = api + "/preps/" + encodeURIComponent(prep.id) + "/export";
      download.setAttribute("download", "");
      bar.append(download);
      bar.append(actionButton("Rehearse", () => runCommand("rehearse", prep, "Rehearse the conversation with ")));
    }
    if (prep.status === "briefed") {
      bar.append(actionButton("Debrief", () => runCommand("debrief", prep, "Debrief the conversation with ")));
    }
    if (!finished) bar.append(actionButton("Resume", () => resumePrep(prep)));
    bar.append(actionButton("New prep", newPrep));
    transcript.append(bar);
  }

  /** A playground command for this prep, e.g. `debrief 12`, the way the other channels say it. */
  function runCommand(command, prep, echo) {
    runTurn({ command: command, argument: String(prep.id) }, echo + nameOf(prep));
  }

  function actionButton(label, onClick) {
    const button = el("button", "action", label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  function focusNext() {
    if (!composer.hidden) {
      textBox.focus();
      return;
    }
    const control = transcript.querySelector(
      ".message:last-child .checklist input:not(:disabled), " +
        ".message:last-child .choices button:not(:disabled), " +
        ".follow-through:last-child :is(a, button):not(:disabled)",
    );
    if (control) control.focus();
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
      preps = Array.isArray(answer.preps) ? answer.preps : [];
      renderPreps(preps);
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
      if (prep.outcome) {
        text.append(el("span", "prep-outcome", prep.outcome.progress));
        text.append(el("span", "prep-meta", prep.outcome.standing));
      }
      item.append(text);
      const finished = prep.status === "briefed" || prep.status === "closed";
      const button = el("button", "resume", finished ? "Open" : "Resume");
      button.type = "button";
      button.disabled = busy;
      button.setAttribute("aria-label", (finished ? "Open the prep for " : "Resume the prep for ") + who);
      button.dataset.prep = String(prep.id);
      button.addEventListener("click", () => (finished ? openPrep(prep) : resumePrep(prep)));
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

  // ---- the settings panel ---------------------------------------------------------------

  const settingsDialog = document.getElementById("settings");
  const settingsForm = document.getElementById("settings-form");
  const settingsError = document.getElementById("settings-error");

  async function openSettings() {
    settingsError.hidden = true;
    try {
      const current = await call("/settings");
      settingsForm.elements.mission.value = current.mission;
      settingsForm.elements.fiscal_year_start_month.value = String(current.fiscal_year_start_month);
      settingsForm.elements.time_zone.value = current.time_zone;
    } catch (error) {
      showSettingsError(error.message);
    }
    settingsDialog.showModal();
  }

  function showSettingsError(message) {
    settingsError.textContent = message;
    settingsError.hidden = false;
  }

  settingsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (event.submitter && event.submitter.value === "cancel") {
      settingsDialog.close();
      return;
    }
    settingsError.hidden = true;
    const form = settingsForm.elements;
    try {
      await call("/settings", {
        mission: form.mission.value,
        fiscal_year_start_month: Number(form.fiscal_year_start_month.value),
        time_zone: form.time_zone.value,
      });
    } catch (error) {
      showSettingsError(error.message);
      return;
    }
    settingsDialog.close();
    status.textContent = "Settings saved.";
    const last = [...transcript.querySelectorAll(".message.coach")].pop();
    if (last && last.dataset.step === "why" && last.dataset.expects !== "none") await showCurrent();
    document.body.dataset.settingsSaved = String(Number(document.body.dataset.settingsSaved || 0) + 1);
  });

  document.getElementById("open-settings").addEventListener("click", openSettings);
  document.addEventListener(SETTINGS_EVENT, openSettings);

  refreshPreps().then(showCurrent).finally(() => {
    document.body.dataset.loaded = "true";
  });
})();
