// The moderator's schedule controls: the room's state and the day's effective times, live; each
// button sends schedule:adjust after a confirmation (none of these can be undone), and shows the
// server's answer. The server checks the moderator's permission on every call.
import { connect, call, join } from "/static/js/socket.js";
import { serverNow, syncClock } from "/static/js/clock.js";
import { count, text } from "/static/js/format.js";
import { countdownTo, runs, showSlots } from "/static/js/room_state.js";

const root = document.getElementById("moderate");
const status = root.querySelector("[data-status]");
const phase = root.querySelector("[data-field=phase]");
const labels = JSON.parse(phase.dataset.labels);
const timer = root.querySelector("[data-field=timer-label]");
const timerLabels = JSON.parse(timer.dataset.labels);
let state = JSON.parse(document.getElementById("room-state").textContent);

function render(next) {
  state = next;
  root.dataset.phase = state.phase;
  root.dataset.talk = state.talk || "";
  phase.textContent = labels[state.phase];
  timer.textContent = timerLabels[state.phase];
  root.querySelector("[data-field=now-title]").textContent = text(state.talks[state.talk || state.next_talk]?.title);
  root.querySelector("[data-now-actions]").hidden = !state.talk;
  root.querySelector("[data-adjust=end_qa]").hidden = state.phase !== "qa";
  for (const [slot, row] of showSlots(root, state, { start: "start", qa: "qa_start", end: "end" })) {
    // a started talk is changed from the "now" card; one that is over, not at all (the server says so too)
    const started = Date.parse(slot.start) <= serverNow();
    row.classList.toggle("past", Date.parse(slot.end) <= serverNow());
    for (const button of row.querySelectorAll("button")) button.disabled = started || !runs(slot);
  }
  tick();
}

function tick() {
  const seconds = state.seconds_left ?? state.starts_in;
  root.querySelector("[data-field=left]").textContent = seconds == null ? "" : countdownTo(state, seconds);
}

function showPresence(n) {
  root.querySelector("[data-presence]").textContent = count("watching", n);
}

async function adjust(button) {
  const action = button.dataset.adjust;
  const talk = button.dataset.talk || state.talk;
  const input = root.querySelector(`[data-minutes="${button.dataset.talk ? CSS.escape(talk) : "now"}"]`);
  const minutes = input ? Number(input.value) : undefined;
  const title = root.querySelector(`[data-slot="${CSS.escape(talk)}"]`)?.dataset.title || talk;
  const question = root.dataset[`confirm-${action}`.replace(/-(\w)/g, (_, c) => c.toUpperCase())]
    .replace("{title}", title).replace("{minutes}", minutes);
  if (!window.confirm(question)) return;
  const payload = { action, talk };
  if (action === "delay" || action === "extend") payload.minutes = minutes;
  button.disabled = true;
  const reply = await call("schedule:adjust", payload);
  button.disabled = false;
  status.textContent = reply.ok ? root.dataset.done : reply.error.message;
  status.classList.toggle("error", !reply.ok);
}

root.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-adjust]");  // the Q&A queue has data-action buttons of its own
  if (button) adjust(button);
});

const socket = connect();
socket.on("connect", async () => {
  const reply = await join(root.dataset.room);
  if (reply.ok) { render(reply.state); showPresence(reply.presence); }
  await syncClock(reply);
});
socket.on("room:state", (next) => { if (next.room === root.dataset.room) render(next); });
socket.on("room:presence", (p) => { if (p.room === root.dataset.room) showPresence(p.count); });
setInterval(tick, 500);
render(state);
