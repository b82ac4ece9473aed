// The visible Q&A queue of the room's current talk, kept in step with the server's pushes.
// Shared by the attendee panel, the speaker view, the moderator queue and the overlay.
import { call, connect, join } from "/static/js/socket.js";
import { text } from "/static/js/format.js";
import { byOrder, visible } from "/static/js/qa_rules.js";

export class Queue {
  constructor(room) {
    this.room = room;
    this.talk = null;
    this.title = "";
    this.open = false;
    this.privileged = false;
    this.questions = new Map();
    this.mine = new Set();
    this.voted = new Set();
  }

  load(snapshot) {
    this.talk = snapshot.talk;
    this.title = text(snapshot.title);
    this.open = snapshot.open;
    this.privileged = Boolean(snapshot.privileged);
    this.questions = new Map(snapshot.questions.map((q) => [q.id, q]));
    this.mine = new Set(snapshot.mine);
    this.voted = new Set(snapshot.voted);
  }

  upsert(question) {
    if (question.talk !== this.talk) return false;
    if (visible(question, this)) this.questions.set(question.id, question);
    else this.questions.delete(question.id);
    return true;
  }

  tally(votes) {
    for (const [id, count] of Object.entries(votes)) {
      const q = this.questions.get(id);
      if (q) q.votes = count;
    }
  }

  // In the server's order: votes change it between snapshots.
  inState(...states) {
    return [...this.questions.values()].filter((q) => states.includes(q.state)).sort(byOrder);
  }

  onAir() {
    return [...this.questions.values()].find((q) => q.on_air) ?? null;
  }
}

// Join the room (again after every reconnect: the server forgets rooms) and keep `queue` current;
// `changed()` runs after every update. Returns the socket.
export function follow(queue, changed) {
  const socket = connect();
  const joinRoom = () => join(queue.room);
  socket.on("connect", joinRoom);
  if (socket.connected) joinRoom();
  socket.on("qa:snapshot", (snapshot) => {
    if (snapshot.room !== queue.room) return;
    queue.load(snapshot);
    changed();
  });
  socket.on("qa:question", (question) => { if (queue.upsert(question)) changed(); });
  socket.on("qa:tally", (tally) => {
    if (tally.room !== queue.room) return;
    queue.tally(tally.votes);
    changed();
  });
  // The room moved on (a new talk, or its Q&A opened or closed): fetch that talk's queue. Not on the
  // first state after a (re)join: the join's own qa:snapshot brings the queue.
  let phase = null;
  socket.on("disconnect", () => { phase = null; });
  socket.on("room:state", async (state) => {
    if (state.room !== queue.room) return;
    const talk = state.talk ?? queue.talk;
    const first = phase === null;
    if (state.phase === phase && talk === queue.talk) return;
    phase = state.phase;
    if (first) return;
    if (!talk) return;
    const reply = await call("qa:list", { talk });
    if (reply.ok) {
      queue.load(reply);
      changed();
    }
  });
  return socket;
}

// An element whose text is set with textContent: user text never becomes markup.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

// Interface strings come from the page (translated on the server) as JSON.
export function strings(root) {
  const source = root.querySelector("[data-qa-strings]");
  return source ? JSON.parse(source.textContent) : {};
}

export function errorText(t, reply) {
  const code = reply.error?.code;
  if (code === "rate_limited" && reply.error.retry_after >= 1) {
    return (t.rate_limited_wait ?? "").replace("{seconds}", Math.ceil(reply.error.retry_after));
  }
  return t[`error_${code}`] ?? reply.error?.message ?? t.error_internal;
}

export function fill(list, items) {
  list.replaceChildren(...items);
  const section = list.closest("[data-qa-section]");
  if (section) section.hidden = items.length === 0;
}
