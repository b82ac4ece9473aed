// Reading the server's room:state (its fields are listed in event_server/live/room.py): instants on
// the server's clock, the day's slots, and the rows that show them on the room and moderator pages.
import { serverNow } from "/static/js/clock.js";
import { formatCountdown, setTime } from "/static/js/format.js";

// The instant `seconds` after the server computed `state` (starts_in, seconds_left, -offset), in epoch ms.
export const at = (state, seconds) => state.server_time + seconds * 1000;

// The time left until that instant, as every countdown shows it.
export const countdownTo = (state, seconds) => formatCountdown(at(state, seconds) - serverNow());

export const slotOf = (state, talk) => state.slots.find((slot) => slot.talk === talk);

export const runs = (slot) => slot.status === "confirmed";

// Marks each slot's row (data-slot) in `root` as the server says: its times (`times` maps a row's data
// attribute to a slot field), cancelled or not, on now or not. Returns the [slot, row] pairs it marked.
export function showSlots(root, state, times) {
  const shown = [];
  for (const slot of state.slots) {
    const row = root.querySelector(`[data-slot="${CSS.escape(slot.talk)}"]`);
    if (!row) continue;
    for (const [key, field] of Object.entries(times)) setTime(row.querySelector(`[data-${key}]`), slot[field]);
    row.classList.toggle("cancelled", !runs(slot));
    row.classList.toggle("now", slot.talk === state.talk);
    row.querySelector("[data-cancelled]").hidden = runs(slot);
    shown.push([slot, row]);
  }
  return shown;
}
