// The server's "now": the one clock of the page, read by every countdown and by the premiere player,
// so nothing on a page can disagree about the time. The server's clock is the one that counts (a
// rehearsal shifts it, and the visitor's may be wrong by minutes).
//
// Seeded from the page's render time, so countdowns are right before any socket connects; refined
// NTP-style by clock:sync round trips on pages that have a socket (the render time is late by the
// page's transfer, a round trip by half its delay).
const localNow = () => performance.timeOrigin + performance.now();  // monotonic, sub-millisecond
let offsetMs = Date.parse(document.body.dataset.serverNow) - localNow();

export const serverNow = () => localNow() + offsetMs;

// Several round trips, keeping those with the lowest delay (least queueing, least error) and the
// median of their offsets. Call again after every reconnect: the network path may have changed.
export async function syncClock(samples = 8, keep = 3) {
  // loaded here, not above: pages without a socket (schedule, talks) need only the seed
  const { call } = await import("/static/js/socket.js");
  const results = [];
  for (let i = 0; i < samples; i++) {
    const t0 = localNow();
    const reply = await call("clock:sync", { t0 });
    const t3 = localNow();
    if (reply.ok) results.push({ delay: t3 - t0, offset: reply.server_time - (t0 + t3) / 2 });
  }
  if (!results.length) return offsetMs;
  const best = results.sort((a, b) => a.delay - b.delay).slice(0, keep).map((r) => r.offset).sort((a, b) => a - b);
  offsetMs = best[Math.floor(best.length / 2)];
  return offsetMs;
}
