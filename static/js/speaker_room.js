// The speaker's private page: which phase the room is in, live, and whether it is their talk.
// Their countdown (data-countdown, run by times.js) follows their slot when a moderator moves it, on
// the page's one server clock, refined here over the socket. The session cookie tells the server who they are.
import { connect, join } from "/static/js/socket.js";
import { syncClock } from "/static/js/clock.js";
import { text } from "/static/js/format.js";
import { runs } from "/static/js/room_state.js";

const root = document.getElementById("speaker-room");
const labels = JSON.parse(document.getElementById("phase-labels").textContent);
const mine = new Set(root.dataset.mine.split(" "));

function render(state) {
  root.dataset.phase = state.phase;
  root.dataset.talk = state.talk || "";
  const talk = state.talks[state.talk];
  const phase = root.querySelector("[data-field=phase]");
  if (!phase) return;
  phase.textContent = labels[state.phase] + (talk ? ` · ${text(talk.title)}` : "");
  phase.classList.toggle("yours", mine.has(state.talk));
  const counter = root.querySelector("[data-countdown]");
  // their next slot that is still on: a moderator's change moves the countdown too
  const next = state.slots.find((s) => mine.has(s.talk) && runs(s) && Date.parse(s.end) > state.server_time);
  if (counter && next) counter.dataset.countdown = next.start;
}

if (root.dataset.room) {
  const socket = connect();
  socket.on("connect", async () => {
    const reply = await join(root.dataset.room);
    if (reply.ok) render(reply.state);
    await syncClock(4);
  });
  socket.on("room:state", (state) => { if (state.room === root.dataset.room) render(state); });
}
