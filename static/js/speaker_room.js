// The speaker's private page: which phase the room is in, live, and whether it is their talk.
// Their countdown (data-countdown, run by times.js) follows their slot when a moderator moves it, on
// the page's one server clock, refined here over the socket. The session cookie tells the server who they are.
import { connect, join } from "/static/js/socket.js";
import { syncClock } from "/static/js/clock.js";

const root = document.getElementById("speaker-room");
const labels = JSON.parse(document.getElementById("phase-labels").textContent);
const mine = new Set(root.dataset.mine.split(" "));
const lang = document.body.dataset.lang || "en";
const text = (value) => (value && (value[lang] || value.en || Object.values(value)[0])) || "";

function render(state) {
  root.dataset.phase = state.phase;
  root.dataset.talk = state.talk || "";
  const talk = state.talks[state.talk];
  const phase = root.querySelector("[data-field=phase]");
  if (!phase) return;
  phase.textContent = labels[state.phase] + (talk ? ` · ${text(talk.title)}` : "");
  phase.classList.toggle("yours", mine.has(state.talk));
  for (const slot of state.slots) {  // a moderator's change moves the countdown too
    if (mine.has(slot.talk)) {
      const counter = root.querySelector("[data-countdown]");
      if (counter && slot.status === "confirmed" && Date.parse(slot.end) > state.server_time) {
        counter.dataset.countdown = slot.start;
        break;
      }
    }
  }
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
