// The server's "now": the one clock of the page, read by every countdown and by the premiere player,
// so nothing on a page can disagree about the time. The server's clock is the one that counts (a
// rehearsal shifts it, and the visitor's may be wrong by minutes).
//
// Seeded from the page's render time, so countdowns are right before any socket connects; refined
// NTP-style by round trips on pages that have a socket (the render time is late by the page's
// transfer, a round trip by half its delay).
export const localNow = () => performance.timeOrigin + performance.now();  // monotonic, sub-millisecond
let offsetMs = Date.parse(document.body.dataset.serverNow) - localNow();

export const serverNow = () => localNow() + offsetMs;

// The round trips of this connection: the room:join's answer (its state carries the server's time)
// and `rounds` clock:sync. The one with the lowest delay wins: its offset's error is at most half its
// delay, and queueing only ever adds delay. Three samples, not eight: at the published minute every
// round trip is thousands of packets for the server. Call again after every reconnect: the network
// path may have changed.
export async function syncClock(joined = null, rounds = 2) {
  // loaded here, not above: pages without a socket (schedule, talks) need only the seed
  const { call } = await import("/static/js/socket.js");
  const results = [];
  const add = (t0, serverTime, t3) => results.push({ delay: t3 - t0, offset: serverTime - (t0 + t3) / 2 });
  if (joined?.ok && joined.state?.server_time) add(joined.sent, joined.state.server_time, joined.received);
  for (let i = 0; i < rounds; i++) {
    const t0 = localNow();
    const reply = await call("clock:sync", { t0 });
    if (reply.ok) add(t0, reply.server_time, localNow());
  }
  if (results.length) offsetMs = results.reduce((best, r) => (r.delay < best.delay ? r : best)).offset;
  return offsetMs;
}
