// The Q&A panel on the room page (ask, vote, withdraw, the state of one's own questions) and, read-only,
// the speaker's view of it.
import { call } from "/static/js/socket.js";
import { count } from "/static/js/format.js";
import { Queue, el, errorText, fill, follow, strings } from "/static/js/qa_queue.js";

const NAME_KEY = "qa-name";
const UNANSWERED = ["pending", "approved"];  // still hoping for the speaker's answer

function start(panel) {
  const t = strings(panel);
  const readOnly = panel.dataset.mode === "speaker";
  const queue = new Queue(panel.dataset.room);
  const part = (name) => panel.querySelector(`[data-qa-${name}]`);
  const list = (name) => panel.querySelector(`[data-qa-list="${name}"]`);
  const phase = () => panel.closest("[data-phase]")?.dataset.phase;
  const form = part("ask");
  let shown = { talk: null, title: "", open: false, waiting: [] };  // what the last render showed

  // The asker's own question as it stands: waiting, in the queue (and where), on air, answered, not taken.
  function stateOf(q, queued) {
    if (q.on_air) return t.state_on_air;
    if (q.state === "approved") return t.state_queued.replace("{n}", queued.indexOf(q) + 1);
    return t[`state_${q.state}`] ?? q.state;
  }

  function item(q, queued, mine = false) {
    const voted = queue.voted.has(q.id);
    const votes = count("votes", q.votes);
    const vote = q.state !== "approved" || mine ? null :
      readOnly ? el("span", { class: "qa-votes", title: votes, text: String(q.votes) }) :
      el("button", { class: "qa-vote", type: "button", "aria-pressed": String(voted), "data-action": "vote",
                     "aria-label": `${voted ? t.unvote : t.vote} (${votes})`, title: voted ? t.unvote : t.vote },
         el("span", { "aria-hidden": "true", text: "▲" }), el("span", { class: "count", text: String(q.votes) }));
    const own = queue.mine.has(q.id);
    const withdraw = !readOnly && mine && !q.on_air && UNANSWERED.includes(q.state) &&
      el("button", { class: "qa-link", type: "button", "data-action": "withdraw", text: t.withdraw });
    const meta = mine ? el("p", { class: `qa-meta qa-state state-${q.on_air ? "on_air" : q.state}`, text: stateOf(q, queued) })
      : el("p", { class: "qa-meta", text: `${q.name || t.anonymous}${own ? ` · ${t.yours}` : ""}` });
    return el("li", { class: `qa-q${q.on_air ? " on-air" : ""}${own ? " mine" : ""}`, "data-id": q.id }, vote,
              el("div", { class: "qa-body" }, el("p", { class: "qa-text", text: q.text }), meta), withdraw);
  }

  function status() {
    if (readOnly) return queue.open ? t.queue_open : t.queue_closed;
    if (queue.open) return t.open;
    return ["before", "countdown"].includes(phase()) ? t.closed_before :
      ["break", "ended"].includes(phase()) ? t.closed_break : t.closed;
  }

  function render() {
    const talk = part("talk");
    if (talk) talk.textContent = queue.title;
    part("status").textContent = status();
    if (form) form.querySelector("button[type=submit]").disabled = !queue.open;
    const onAir = queue.onAir();
    part("onair").hidden = !onAir;
    if (onAir) {
      part("onair-text").textContent = onAir.text;
      part("onair-name").textContent = onAir.name || t.anonymous;
    }
    const queued = queue.inState("approved").filter((q) => !q.on_air);
    const mine = [...queue.questions.values()].filter((q) => queue.mine.has(q.id)).sort((a, b) => a.created - b.created);
    fill(list("mine"), mine.map((q) => item(q, queued, true)));
    fill(list("queue"), queued.map((q) => item(q, queued)));
    part("count").textContent = queued.length ? `· ${count("queued", queued.length)}` : "";
    part("empty").hidden = queued.length > 0 || Boolean(onAir);
    fill(list("answered"), queue.inState("answered").map((q) => item(q, queued)));
    tellWhatHappened(mine);
  }

  // A Q&A that closes (or a room that moves on) with the asker's question still waiting: say so, rather
  // than let it vanish without a word.
  function tellWhatHappened(mine) {
    const waiting = mine.filter((q) => UNANSWERED.includes(q.state) && !q.on_air).map((q) => q.id);
    const closed = shown.open && (!queue.open || queue.talk !== shown.talk);
    if (!readOnly && closed && shown.waiting.length) {
      part("note").textContent = t.ended_unanswered.replace("{title}", shown.title);
    }
    shown = { talk: queue.talk, title: queue.title, open: queue.open, waiting };
  }

  async function act(action, id) {
    const event = action === "vote" && queue.voted.has(id) ? "qa:unvote" : `qa:${action}`;
    const reply = await call(event, { question: id });
    if (!reply.ok) return showError(reply);
    if ("voted" in reply) {
      if (reply.voted) queue.voted.add(id); else queue.voted.delete(id);
      queue.tally({ [id]: reply.votes });
    } else {
      queue.upsert(reply.question);
    }
    render();
  }

  function showError(reply) {
    part("error").textContent = errorText(t, reply);
  }

  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (button) act(button.dataset.action, button.closest("[data-id]").dataset.id);
  });

  if (form) {
    const text = form.elements.text;
    const counter = part("counter");
    const countChars = () => { counter.textContent = `${text.value.trim().length} / ${text.maxLength}`; };
    text.addEventListener("input", countChars);
    form.elements.name.value = localStorage.getItem(NAME_KEY) ?? "";
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      part("error").textContent = "";
      part("note").textContent = "";
      const name = form.elements.name.value.trim();
      localStorage.setItem(NAME_KEY, name);
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const reply = await call("qa:ask", { talk: queue.talk, text: text.value, name });
      button.disabled = !queue.open;
      if (!reply.ok) return showError(reply);
      queue.mine.add(reply.question.id);
      queue.upsert(reply.question);
      text.value = "";
      countChars();
      render();
    });
  }

  follow(queue, render);
}

const panel = document.querySelector("[data-qa-panel]");
if (panel) start(panel);
