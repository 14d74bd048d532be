// How the playground shows the coach's neutral replies: text, choices and findings.
// Every piece of user or coach text goes in through textContent or createElement, never as
// markup, so nothing anyone types (or any playbook says) can become HTML. A brief or debrief
// document comes parsed by the server (bot/web/replies.py) as a tree of plain elements and
// text, built here the same way.
(function () {
  "use strict";

  const STEP_LABELS = new Map([
    ["feel", "Feel"],
    ["focus", "Focus"],
    ["timing", "Slow down"],
    ["simplify", "Simplify"],
    ["why", "Spark"],
    ["brief", "Brief"],
    ["debrief", "Debrief"],
    ["info", "Note"],
  ]);
  // One per kind of finding (bot/engine/findings.py); a test checks every kind has its own.
  const FINDING_LABELS = new Map([
    ["jargon", "Jargon"],
    ["acronym", "Acronym"],
    ["unfamiliar", "Unfamiliar word"],
    ["readability", "Readability"],
    ["fear", "Fear first"],
    ["priorities", "Their priorities"],
    ["multiple_goals", "More than one goal"],
    ["missing_why", "Missing the why"],
    ["closed_question", "Closed question"],
    ["leading_question", "Leading question"],
    ["accusing_question", "Accusing question"],
    ["blaming_hypothesis", "Blaming guess"],
    ["crunch_period", "Busy period"],
    ["quiet_window", "Quiet window"],
    ["holiday", "Public holiday"],
    ["weekend", "Weekend"],
    ["trimmed", "Shortened"],
    ["forgotten", "Deleted"],
  ]);
  const TERM_KINDS = new Set(["jargon", "acronym"]);

  // ---- small DOM helpers -------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function cssToken(value) {
    return String(value).toLowerCase().replace(/[^a-z0-9_-]/g, "");
  }

  function formatDate(value) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value || ""));
    if (!match) return String(value || "");
    const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  }

  // ---- the coach's text ----------------------------------------------------------------

  const BULLET = /^\s*[-•*]\s+/;
  const HEADING = /^(#{1,3})\s+/;

  const LABEL = /^\*\*([^*\n]{1,60}:)\*\*/;
  // The Spark step's tip; in the playground it opens the settings panel.
  const SETTINGS_PHRASE = "set your company's mission";
  const SETTINGS_EVENT = "preptalk:settings";

  /** Plain text, with the settings tip turned into a button that opens the settings panel. */
  function appendText(container, text) {
    const at = text.indexOf(SETTINGS_PHRASE);
    if (at < 0) {
      container.append(document.createTextNode(text));
      return;
    }
    const link = el("button", "link settings-link", SETTINGS_PHRASE);
    link.type = "button";
    link.addEventListener("click", () => document.dispatchEvent(new CustomEvent(SETTINGS_EVENT)));
    container.append(document.createTextNode(text.slice(0, at)), link);
    container.append(document.createTextNode(text.slice(at + SETTINGS_PHRASE.length)));
  }

  /** A line: the brief's leading **Label:** in <strong>; the rest, the user's words included,
   *  stays plain text exactly as typed (a user's own **x** is not bold). */
  function appendInline(container, text) {
    const line = String(text);
    const label = LABEL.exec(line);
    if (label) container.append(el("strong", null, label[1]));
    const rest = label ? line.slice(label[0].length) : line;
    if (rest) appendText(container, rest);
  }

  /** The coach's light markup: "# " headings, bullet lists, paragraphs, line breaks. */
  function appendRichText(container, text) {
    let paragraph = null;
    let list = null;
    for (const line of String(text).split("\n")) {
      const heading = HEADING.exec(line);
      if (line.trim() === "") {
        paragraph = list = null;
      } else if (heading) {
        paragraph = list = null;
        const node = el("h" + (heading[1].length + 2), "reply-heading");
        appendInline(node, line.slice(heading[0].length));
        container.append(node);
      } else if (BULLET.test(line)) {
        paragraph = null;
        if (!list) container.append((list = el("ul", "reply-list")));
        const item = el("li");
        appendInline(item, line.replace(BULLET, ""));
        list.append(item);
      } else {
        list = null;
        if (paragraph) paragraph.append(el("br"));
        else container.append((paragraph = el("p")));
        appendInline(paragraph, line);
      }
    }
  }

  // ---- a brief or debrief document -------------------------------------------------------

  // The elements a document may hold (DOCUMENT_TAGS in bot/web/replies.py); anything else
  // shows its content only.
  const DOCUMENT_TAGS = new Set([
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "hr", "br",
    "strong", "em", "code", "pre",
  ]);

  /** Build a document's nodes: {text} becomes text, {tag, children, task?} an element. */
  function appendDocument(container, nodes) {
    for (const node of nodes) {
      if (typeof node.text === "string") {
        container.append(document.createTextNode(node.text));
        continue;
      }
      const children = Array.isArray(node.children) ? node.children : [];
      if (!DOCUMENT_TAGS.has(node.tag)) {
        appendDocument(container, children);
        continue;
      }
      const element = el(node.tag);
      if (node.task === "todo" || node.task === "done") {
        element.className = "task";
        const box = el("input", "task-box");
        box.type = "checkbox";
        box.disabled = true;
        box.checked = node.task === "done";
        box.setAttribute("aria-label", node.task === "done" ? "done" : "to do");
        element.append(box);
      }
      appendDocument(element, children);
      container.append(element);
    }
  }

  // ---- a reply ----------------------------------------------------------------------

  /** One coach reply as an <article>; `onChoice(choice)` runs when a button is picked,
   *  `onPicks(choices)` when a checklist of long choices is submitted. */
  function renderReply(reply, onChoice, onPicks) {
    const step = cssToken(reply.step);
    const message = el("article", "message coach step-" + step);
    message.dataset.step = step;
    message.dataset.expects = cssToken(reply.expects || "none");
    const header = el("header", "message-header");
    header.append(el("span", "badge badge-" + step, STEP_LABELS.get(reply.step) || reply.step));
    header.append(el("span", "message-author", "Coach"));
    message.append(header);
    const body = el("div", "message-body");
    if (Array.isArray(reply.document)) {
      body.classList.add("document");
      appendDocument(body, reply.document);
    } else {
      appendRichText(body, reply.text || "");
    }
    message.append(body);
    if (Array.isArray(reply.findings) && reply.findings.length > 0) {
      message.append(renderFindings(reply.findings));
    }
    const choices = Array.isArray(reply.choices) ? reply.choices : [];
    // The server lays choices out by the rule every channel uses (bot/channels/choices.py).
    const listed = choices.filter((choice) => choice.listed);
    const buttons = choices.filter((choice) => !choice.listed);
    if (listed.length > 0) {
      const onSubmit = reply.several ? onPicks || (() => {}) : (picked) => onChoice(picked[0]);
      message.append(renderChecklist(listed, Boolean(reply.several), onSubmit));
    }
    if (buttons.length > 0) message.append(renderChoices(buttons, onChoice));
    return message;
  }

  let listsMade = 0; // names each single-pick list's radio group

  /** Sentence-long choices, to read in full and tick (several) or pick (one), sent with one
   *  button; the same words as the Teams card (bot/channels/teams/cards.py). */
  function renderChecklist(choices, several, onSubmit) {
    const form = el("form", "checklist");
    const hint = several ? "Tick the ones you want, then add them:" : "Pick one, then use it:";
    form.append(el("p", "checklist-legend", hint));
    const list = el("ul", "checklist-items");
    const group = "picks-" + ++listsMade;
    for (const choice of choices) {
      const item = el("li");
      const label = el("label", "checklist-item");
      const box = el("input");
      box.type = several ? "checkbox" : "radio";
      box.name = group;
      box.value = choice.value;
      label.append(box, el("span", null, choice.label));
      item.append(label);
      list.append(item);
    }
    form.append(list);
    const submit = el("button", "primary checklist-submit", several ? "Add the ticked ones" : "Use the one picked");
    submit.type = "submit";
    submit.disabled = true;
    form.append(submit);
    form.addEventListener("change", () => {
      submit.disabled = !form.querySelector("input:checked");
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const picked = new Set([...form.querySelectorAll("input:checked")].map((box) => box.value));
      const chosen = choices.filter((choice) => picked.has(choice.value));
      if (chosen.length > 0) onSubmit(chosen);
    });
    return form;
  }

  function renderChoices(choices, onChoice) {
    const group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Choose one");
    for (const choice of choices) {
      const button = el("button", "choice", choice.label);
      button.type = "button";
      button.dataset.value = choice.value;
      if (choice.value === "next") button.classList.add("primary");
      button.addEventListener("click", () => {
        button.classList.add("chosen");
        onChoice(choice);
      });
      group.append(button);
    }
    return group;
  }

  // ---- highlighting jargon in the user's own draft -------------------------------------

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /** Re-render the echoed draft with each flagged term in a <mark> titled with its plain word. */
  function highlightTerms(container, text, replies) {
    const plain = new Map();
    for (const reply of replies) {
      for (const finding of reply.findings || []) {
        if (!TERM_KINDS.has(finding.kind) || typeof finding.term !== "string" || !finding.term) continue;
        const key = finding.term.toLowerCase();
        if (!plain.has(key)) plain.set(key, finding.suggestion);
      }
    }
    if (plain.size === 0) return;
    const terms = [...plain.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const pattern = new RegExp("(?<![\\p{L}\\p{N}])(?:" + terms.join("|") + ")(?![\\p{L}\\p{N}])", "giu");
    const pieces = document.createDocumentFragment();
    let from = 0;
    for (const match of text.matchAll(pattern)) {
      pieces.append(document.createTextNode(text.slice(from, match.index)));
      const mark = el("mark", "term", match[0]);
      mark.title = plain.get(match[0].toLowerCase()) || "";
      pieces.append(mark);
      from = match.index + match[0].length;
    }
    pieces.append(document.createTextNode(text.slice(from)));
    container.replaceChildren(pieces);
  }

  // ---- findings ------------------------------------------------------------------------

  function renderFindings(findings) {
    const section = el("section", "findings");
    section.setAttribute("aria-label", "What the coach noticed");
    const list = el("ul", "finding-list");
    for (const finding of findings) list.append(renderFinding(finding));
    section.append(list);
    return section;
  }

  function renderFinding(finding) {
    const kind = cssToken(finding.kind);
    const item = el("li", "finding finding-" + kind);
    item.dataset.kind = kind;
    item.append(el("span", "finding-label", FINDING_LABELS.get(finding.kind)));
    const detail = el("div", "finding-detail");
    const render = FINDING_RENDERERS.get(finding.kind) || renderAdvice;
    render(detail, finding);
    item.append(detail);
    return item;
  }

  function humanise(kind) {
    const words = String(kind || "note").replace(/[_-]+/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  function appendLine(container, className, text) {
    if (text === undefined || text === null || text === "") return;
    container.append(el("p", className, text));
  }

  function renderTerm(container, finding) {
    const line = el("p", "finding-term");
    line.append(el("mark", "term", finding.term));
    if (finding.expansion) line.append(el("span", "expansion", " (" + finding.expansion + ")"));
    if (finding.suggestion) {
      line.append(el("span", "arrow", " → "));
      line.append(el("span", "plain", finding.suggestion));
    }
    container.append(line);
    appendLine(container, "finding-message", finding.message);
  }

  function renderReadability(container, finding) {
    const grade = Number(finding.grade);
    const target = Number(finding.target);
    if (Number.isFinite(grade) && Number.isFinite(target)) {
      const line = el("p", "finding-grade");
      line.append(el("strong", null, "Grade " + grade.toFixed(1)));
      line.append(document.createTextNode(" · aim for " + target.toFixed(0) + " or lower"));
      container.append(line);
      const meter = el("meter", "grade-meter");
      meter.min = 0;
      meter.max = Math.max(20, Math.ceil(grade));
      meter.low = target;
      meter.high = target + 2;
      meter.optimum = 0;
      meter.value = grade;
      meter.setAttribute("aria-label", "Reading grade " + grade.toFixed(1) + " of target " + target.toFixed(0));
      container.append(meter);
    }
    appendLine(container, "finding-message", finding.message);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  // The fields of each kind are those of its class in bot/engine/findings.py; `suggestion`
  // is there for every Tip, absent (undefined) for a plain Notice.

  /** A busy period (its name is `term`) or a quiet window, with its dates. */
  function renderWindow(container, finding) {
    appendLine(container, "finding-name", finding.term);
    container.append(el("p", "finding-dates", formatDate(finding.start) + " – " + formatDate(finding.end)));
    appendLine(container, "finding-message", finding.message);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  function renderHoliday(container, finding) {
    const line = el("p", "finding-name");
    line.append(el("strong", null, finding.term));
    line.append(document.createTextNode(" · " + formatDate(finding.date) + " (" + finding.region + ")"));
    container.append(line);
    appendLine(container, "finding-message", finding.message);
  }

  function renderGoals(container, finding) {
    appendLine(container, "finding-message", finding.message);
    const list = el("ol", "finding-goals");
    for (const goal of finding.goals) list.append(el("li", null, goal));
    container.append(list);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  function renderFear(container, finding) {
    appendLine(container, "finding-message", finding.message);
    container.append(el("blockquote", "finding-quote", finding.quote));
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  /** Every other kind: what was noticed, and what to do instead when there is a tip. */
  function renderAdvice(container, finding) {
    appendLine(container, "finding-message", finding.message);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  const FINDING_RENDERERS = new Map([
    ["jargon", renderTerm],
    ["acronym", renderTerm],
    ["readability", renderReadability],
    ["crunch_period", renderWindow],
    ["quiet_window", renderWindow],
    ["holiday", renderHoliday],
    ["multiple_goals", renderGoals],
    ["fear", renderFear],
  ]);

  window.PrepTalkRender = Object.freeze({
    SETTINGS_EVENT,
    el,
    cssToken,
    humanise,
    formatDate,
    renderReply,
    highlightTerms,
  });
})();
