// The Q&A panel on the room page (ask, vote, withdraw) and, read-only, the speaker's view of it.
import { call } from "/static/js/socket.js";
import { Queue, el, errorText, fill, follow, strings } from "/static/js/qa_queue.js";

const NAME_KEY = "qa-name";

function start(panel) {
  const t = strings(panel);
  const readOnly = panel.dataset.mode === "speaker";
  const queue = new Queue(panel.dataset.room);
  const part = (name) => panel.querySelector(`[data-qa-${name}]`);
  const list = (name) => panel.querySelector(`[data-qa-list="${name}"]`);
  const form = part("ask");

  function item(q) {
    const voted = queue.voted.has(q.id);
    const vote = q.state === "pending" ? null :
      readOnly || q.state !== "approved" ? el("span", { class: "qa-votes", text: String(q.votes) }) :
      el("button", { class: "qa-vote", type: "button", "aria-pressed": String(voted), "data-action": "vote",
                     "aria-label": voted ? t.unvote : t.vote, title: voted ? t.unvote : t.vote },
         el("span", { "aria-hidden": "true", text: "▲" }), el("span", { class: "count", text: String(q.votes) }));
    const mine = queue.mine.has(q.id);
    const withdraw = !readOnly && mine && !q.on_air && ["pending", "approved"].includes(q.state) &&
      el("button", { class: "qa-link", type: "button", "data-action": "withdraw", text: t.withdraw });
    return el("li", { class: `qa-q${q.on_air ? " on-air" : ""}${mine ? " mine" : ""}`, "data-id": q.id }, vote,
              el("div", { class: "qa-body" }, el("p", { class: "qa-text", text: q.text }),
                 el("p", { class: "qa-meta", text: `${q.name || t.anonymous}${mine ? ` · ${t.yours}` : ""}` })),
              withdraw);
  }

  function render() {
    const talk = part("talk");
    if (talk) talk.textContent = queue.title;
    part("status").textContent = readOnly ? (queue.open ? t.queue_open : t.queue_closed) : (queue.open ? t.open : t.closed);
    if (form) form.hidden = !queue.open;
    const onAir = queue.onAir();
    part("onair").hidden = !onAir;
    if (onAir) {
      part("onair-text").textContent = onAir.text;
      part("onair-name").textContent = onAir.name || t.anonymous;
    }
    fill(list("mine"), queue.inState("pending").filter((q) => queue.mine.has(q.id)).map(item));
    const waiting = queue.inState("approved").filter((q) => !q.on_air);
    fill(list("queue"), waiting.map(item));
    part("empty").hidden = waiting.length > 0 || Boolean(onAir);
    fill(list("answered"), queue.inState("answered").map(item));
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
    const count = () => { counter.textContent = `${text.value.trim().length} / ${text.maxLength}`; };
    text.addEventListener("input", count);
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
      button.disabled = false;
      if (!reply.ok) return showError(reply);
      queue.mine.add(reply.question.id);
      queue.upsert(reply.question);
      text.value = "";
      count();
      part("note").textContent = reply.question.state === "pending" ? t.pending : "";
      render();
    });
  }

  follow(queue, render);
}

const panel = document.querySelector("[data-qa-panel]");
if (panel) start(panel);
