// How the playground shows the coach's neutral replies: text, choices and findings.
// Every piece of user or coach text goes in through textContent or createElement, never as
// markup, so nothing anyone types (or any playbook says) can become HTML.
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
  const FINDING_LABELS = new Map([
    ["jargon", "Jargon"],
    ["acronym", "Acronym"],
    ["readability", "Readability"],
    ["fear", "Fear first"],
    ["priorities", "Their priorities"],
    ["multiple_goals", "More than one goal"],
    ["missing_why", "Missing the why"],
    ["closed_question", "Closed question"],
    ["crunch_period", "Busy period"],
    ["quiet_window", "Quiet window"],
    ["holiday", "Public holiday"],
    ["trimmed", "Shortened"],
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

  /** A line: the brief's leading **Label:** in <strong>; the rest, the user's words included,
   *  stays plain text exactly as typed (a user's own **x** is not bold). */
  function appendInline(container, text) {
    const line = String(text);
    const label = LABEL.exec(line);
    if (label) container.append(el("strong", null, label[1]));
    const rest = label ? line.slice(label[0].length) : line;
    if (rest) container.append(document.createTextNode(rest));
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

  // ---- a reply ----------------------------------------------------------------------

  /** One coach reply as an <article>; `onChoice(choice)` runs when one is picked. */
  function renderReply(reply, onChoice) {
    const step = cssToken(reply.step);
    const message = el("article", "message coach step-" + step);
    message.dataset.step = step;
    message.dataset.expects = cssToken(reply.expects || "none");
    const header = el("header", "message-header");
    header.append(el("span", "badge badge-" + step, STEP_LABELS.get(reply.step) || reply.step));
    header.append(el("span", "message-author", "Coach"));
    message.append(header);
    const body = el("div", "message-body");
    appendRichText(body, reply.text || "");
    message.append(body);
    if (Array.isArray(reply.findings) && reply.findings.length > 0) {
      message.append(renderFindings(reply.findings));
    }
    if (Array.isArray(reply.choices) && reply.choices.length > 0) {
      message.append(renderChoices(reply.choices, onChoice));
    }
    return message;
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
        if (!plain.has(key)) plain.set(key, finding.suggestion || finding.expansion || "");
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
    item.append(el("span", "finding-label", FINDING_LABELS.get(finding.kind) || humanise(finding.kind)));
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

  function renderWindow(container, finding) {
    appendLine(container, "finding-name", finding.name);
    if (finding.start || finding.end) {
      container.append(el("p", "finding-dates", formatDate(finding.start) + " – " + formatDate(finding.end)));
    }
    appendLine(container, "finding-message", finding.message || finding.reason);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  function renderHoliday(container, finding) {
    const line = el("p", "finding-name");
    line.append(el("strong", null, finding.name || "Holiday"));
    if (finding.date) line.append(document.createTextNode(" · " + formatDate(finding.date)));
    const place = finding.country || finding.region;
    if (place) line.append(document.createTextNode(" (" + place + ")"));
    container.append(line);
    appendLine(container, "finding-message", finding.message);
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  function renderAdvice(container, finding) {
    appendLine(container, "finding-message", finding.message || (finding.term ? finding.term : humanise(finding.kind)));
    if (finding.quote) container.append(el("blockquote", "finding-quote", finding.quote));
    appendLine(container, "finding-suggestion", finding.suggestion);
  }

  const FINDING_RENDERERS = new Map([
    ["jargon", renderTerm],
    ["acronym", renderTerm],
    ["readability", renderReadability],
    ["crunch_period", renderWindow],
    ["quiet_window", renderWindow],
    ["holiday", renderHoliday],
  ]);

  window.PrepTalkRender = Object.freeze({
    el,
    cssToken,
    humanise,
    formatDate,
    renderReply,
    highlightTerms,
  });
})();
