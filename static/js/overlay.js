// The livestream overlay (an OBS browser source): the question on air and who asked it, live, and
// the room's reactions floating up.
import { Queue, follow } from "/static/js/qa_queue.js";
import { showReactions } from "/static/js/reactions.js";

const root = document.querySelector("[data-qa-overlay]");
const queue = new Queue(root.dataset.room);
const text = root.querySelector("[data-qa-onair-text]");
const name = root.querySelector("[data-qa-onair-name]");

follow(queue, () => {
  const onAir = queue.onAir();
  root.hidden = !onAir;
  if (!onAir) return;
  text.textContent = onAir.text;
  name.textContent = onAir.name || root.dataset.anonymous;
});

const reactions = document.querySelector("[data-overlay-reactions]");
showReactions(reactions, reactions.dataset.room);
