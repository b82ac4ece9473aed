// The moderators' live queue: approve, reject, put on air, mark answered, archive, restore, fix a typo,
// block the asker (after a confirmation: it cannot be undone from here).
// Keyboard: j/k move, a approve, r reject, p on air / off air, d answered, x archive, z restore, e edit.
import { call } from "/static/js/socket.js";
import { count } from "/static/js/format.js";
import { Queue, el, errorText, fill, follow, strings } from "/static/js/qa_queue.js";

const BUTTONS = {  // which actions each state offers, in order
  pending: ["approve", "pin", "reject", "archive"],
  approved: ["pin", "answered", "reject", "archive"],
  rejected: ["approve", "archive"],
  answered: ["restore", "archive"],
  archived: ["restore"],
};
const KEYS = { a: "approve", r: "reject", p: "pin", d: "answered", x: "archive", z: "restore", e: "edit" };

function start(root) {
  const t = strings(root);
  const queue = new Queue(root.dataset.room);
  const part = (name) => root.querySelector(`[data-qa-${name}]`);
  let selected = null;

  function item(q) {
    const actions = q.on_air ? ["unpin", "answered", "reject", "archive"] : BUTTONS[q.state] ?? [];
    return el("li", { class: `qa-q${q.on_air ? " on-air" : ""}${q.id === selected ? " selected" : ""}`,
                      "data-id": q.id, tabindex: "0", "aria-current": q.id === selected ? "true" : null },
      el("span", { class: "qa-votes", title: count("votes", q.votes), text: String(q.votes) }),
      el("div", { class: "qa-body" }, el("p", { class: "qa-text", text: q.text }),
         el("p", { class: "qa-meta", text: q.name || t.anonymous })),
      el("div", { class: "qa-actions" },
         ...actions.map((a) => el("button", { class: `button qa-${a}`, type: "button", "data-action": a, text: t[a] })),
         el("button", { class: "button qa-edit", type: "button", "data-action": "edit", text: t.edit }),
         el("button", { class: "button qa-block", type: "button", "data-action": "block", text: t.block })));
  }

  // As shown, top to bottom (j/k walk it): on air, next up (the queue's top), waiting for approval, the
  // rest of the queue, then the closed ones.
  function sections() {
    const onAir = queue.onAir();
    const [next, ...rest] = queue.inState("approved").filter((q) => !q.on_air);
    return { onair: onAir ? [onAir] : [], next: next ? [next] : [], pending: queue.inState("pending"), approved: rest,
             answered: queue.inState("answered"), rejected: queue.inState("rejected"), archived: queue.inState("archived") };
  }

  function ordered() {
    return Object.values(sections()).flat();
  }

  function render() {
    part("status").textContent = `${queue.title} · ${queue.open ? t.queue_open : t.queue_closed}`;
    const shown = sections();
    fill(part("list-onair"), shown.onair.map(item));
    fill(part("list-next"), shown.next.map(item));
    for (const state of ["pending", "approved", "answered", "rejected", "archived"]) {
      fill(root.querySelector(`[data-qa-list="${state}"]`), shown[state].map(item));
    }
    part("pending").textContent = count("pending", shown.pending.length);
    const queued = shown.next.length + shown.approved.length;
    part("queued").textContent = `· ${count("queued", queued)}`;
    part("empty").hidden = queue.questions.size > 0;
  }

  async function act(action, id) {
    const question = queue.questions.get(id);
    if (!question) return;
    if (action === "block") {
      if (!window.confirm(t.block_confirm)) return;
      const reply = await call("qa:block", { question: id });  // the questions it hides arrive as qa:question
      part("error").textContent = reply.ok ? "" : errorText(t, reply);
      return;
    }
    const payload = { question: id, action };
    if (action === "edit") {
      const text = window.prompt(t.edit_prompt, question.text);
      if (text === null || text.trim() === question.text) return;
      payload.text = text;
    }
    const reply = await call("qa:moderate", payload);
    part("error").textContent = reply.ok ? "" : errorText(t, reply);
    if (reply.ok) {
      queue.upsert(reply.question);
      render();
    }
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    const row = event.target.closest("[data-id]");
    if (row) selected = row.dataset.id;
    if (button) act(button.dataset.action, row.dataset.id);
    else if (row) render();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea")) return;
    const rows = ordered().map((q) => q.id);
    if (!rows.length) return;
    const at = rows.indexOf(selected);
    if (event.key === "j" || event.key === "k") {
      selected = rows[Math.min(rows.length - 1, Math.max(0, at + (event.key === "j" ? 1 : -1)))];
      render();
      root.querySelector(`[data-id="${CSS.escape(selected)}"]`)?.focus();
    } else if (KEYS[event.key] && selected) {
      const q = queue.questions.get(selected);
      act(event.key === "p" && q?.on_air ? "unpin" : KEYS[event.key], selected);
    }
  });

  follow(queue, render);
}

const root = document.querySelector("[data-qa-moderate]");
if (root) start(root);
