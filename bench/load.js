// Load generator: N socket.io clients in room `bench`, one emitter, one report.
//
//   node bench/load.js --url http://127.0.0.1:8001 --clients 3000 --rate 20 \
//        --duration 10 [--workers 2] [--client lean|sio] [--server-pid PID]
// Several server processes sharing rooms (Redis): --url and --server-pid take
// comma lists; generator process w connects its clients to url w % count, the
// emitter to the first; server CPU and RSS are summed over the pids.
//
// Clients are spread over --workers child processes (so the generator is not
// one saturated core). `--client lean` (default) speaks Engine.IO v4 /
// Socket.IO v5 directly over `ws` (the websocket library socket.io-client
// itself uses in Node, offering permessage-deflate as browsers do);
// `--client sio` uses the stock socket.io-client. Each client joins with an
// ack'd `join`, then counts `qa:tally` events by seq and records latency
// = receive time - sent_at. The emitter (not in the room) sends `bench:emit`
// at `rate`/s for `duration` s; sent_at is the *scheduled* send time, so a
// late emitter or a slow server shows up as latency instead of hiding it.
// The last stdout line is one JSON object (see compare.py for the meaning).
'use strict';
const { fork } = require('child_process');
const fs = require('fs');
const WebSocket = require('ws');

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const URLS = arg('url', 'http://127.0.0.1:8001').split(',');
const URL_ = URLS[Number(arg('index', 0)) % URLS.length];
const WS_URL = URL_.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';
const HIST_MAX = 120000; // latency histogram: 1 ms buckets up to 120 s

// ---------------------------------------------------------------- lean client
// Engine.IO v4 over websocket: '0{open}' '2' ping -> '3' pong, '4'+socket.io.
// Socket.IO v5: '40' connect, '42[...]' event, '42N[...]' event with ack N,
// '43N[...]' ack.
// With --parse fast (default) a qa:tally frame is checked by its prefix and
// only seq and sent_at are read from it, to spend the shared CPU on servers
// rather than on the generator; --parse full JSON.parses every event.
const FULL_PARSE = arg('parse', 'fast') === 'full';
const TALLY = '42["qa:tally",';
function numAfter(m, key) {
  const i = m.indexOf(key);
  return i < 0 ? NaN : parseFloat(m.slice(i + key.length, i + key.length + 20));
}
function leanClient({ onEvent, onJoined, onClose }) {
  // ws offers permessage-deflate by default, as browsers do
  const ws = new WebSocket(WS_URL, { skipUTF8Validation: true });
  let joined = false;
  ws.on('message', (buf, isBinary) => {
    if (isBinary) return;
    const m = buf.toString();
    if (!FULL_PARSE && m.startsWith(TALLY)) {
      onEvent('qa:tally', { seq: numAfter(m, '"seq":'), sent_at: numAfter(m, '"sent_at":') });
      return;
    }
    if (m[0] === '2') { ws.send('3'); return; }
    if (m[0] === '0') { ws.send('40'); return; }
    if (m[0] !== '4') return;
    const t = m[1];
    if (t === '2') {
      const [name, payload] = JSON.parse(m.slice(2));
      onEvent(name, payload);
    } else if (t === '0') {
      ws.send('421["join","bench"]');
    } else if (t === '3' && m.startsWith('431') && !joined) {
      joined = true; onJoined();
    }
  });
  ws.on('error', () => {});
  ws.on('close', () => onClose(joined));
  return { close: () => ws.terminate() };
}

function sioClient({ onEvent, onJoined, onClose }) {
  const { io } = require('socket.io-client');
  const s = io(URL_, { transports: ['websocket'], forceNew: true, reconnection: false });
  let joined = false;
  s.on('connect', () => s.emit('join', 'bench', () => { joined = true; onJoined(); }));
  s.on('qa:tally', (p) => onEvent('qa:tally', p));
  s.on('connect_error', () => onClose(joined));
  s.on('disconnect', () => onClose(joined));
  return { close: () => s.disconnect() };
}

// ---------------------------------------------------------------- worker
function worker() {
  const n = Number(arg('n')), events = Number(arg('events'));
  const conc = Number(arg('concurrency', 64));
  const make = arg('client', 'lean') === 'sio' ? sioClient : leanClient;
  const hist = new Uint32Array(HIST_MAX + 1);
  let received = 0, dup = 0, outOfRange = 0, maxLat = 0, tLast = 0;
  let disconnects = 0, reconnects = 0, joinedCount = 0, failed = 0, running = true;
  const seen = [];
  // per event: when its first and last delivery arrived here (ms epoch)
  const first = new Float64Array(events).fill(Infinity), last = new Float64Array(events);
  let cpu0 = null, wall0 = 0;

  function open(i, attempt) {
    const bits = seen[i] || (seen[i] = new Uint8Array(events));
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok) => { if (!done) { done = true; resolve(ok); } };
      const timer = setTimeout(() => { c.close(); }, 30000);
      const c = make({
        onEvent(name, p) {
          if (name !== 'qa:tally') return;
          const now = Date.now();
          const s = p.seq;
          if (!(s >= 0 && s < events)) { outOfRange++; return; }
          if (bits[s]) { dup++; return; }
          bits[s] = 1; received++;
          const lat = Math.max(0, now - p.sent_at);
          hist[Math.min(HIST_MAX, Math.round(lat))]++;
          if (lat > maxLat) maxLat = lat;
          if (now > tLast) tLast = now;
          if (now < first[s]) first[s] = now;
          if (now > last[s]) last[s] = now;
        },
        onJoined() { clearTimeout(timer); joinedCount++; finish(true); },
        onClose(wasJoined) {
          clearTimeout(timer);
          if (wasJoined) {
            joinedCount--;
            if (running) { disconnects++; setTimeout(() => { reconnects++; open(i, 0); }, 1000); }
          } else if (!done) {
            if (attempt < 5) setTimeout(() => open(i, attempt + 1).then(finish), 200 * (attempt + 1));
            else { failed++; finish(false); }
          }
        },
      });
    });
  }

  async function connectAll() {
    let next = 0;
    const lane = async () => { while (next < n) { const i = next++; await open(i, 0); } };
    await Promise.all(Array.from({ length: Math.min(conc, n) }, lane));
    process.send({ type: 'ready', joined: joinedCount, failed });
  }

  process.on('message', (msg) => {
    if (msg.type === 'start') { cpu0 = process.cpuUsage(); wall0 = Date.now(); }
    if (msg.type === 'finish') {
      const deadline = Date.now() + msg.drainMs;
      const check = () => {
        if (received + 0 >= n * msg.sent || Date.now() > deadline) {
          running = false;
          const cpu = process.cpuUsage(cpu0);
          process.send({
            type: 'stats', received, dup, outOfRange, maxLat, tLast, disconnects,
            reconnects, joined: joinedCount, failed, hist: Array.from(hist),
            first: Array.from(first, (v) => (v === Infinity ? null : v)), last: Array.from(last),
            cpuPct: 100 * (cpu.user + cpu.system) / 1000 / Math.max(1, Date.now() - wall0),
          });
        } else setTimeout(check, 50);
      };
      check();
    }
    if (msg.type === 'exit') process.exit(0);
  });
  connectAll();
}

// ---------------------------------------------------------------- master
function procStat(pids) { // summed over the server processes
  const all = pids.map(procStat1);
  if (!all.length || all.includes(null)) return null;
  return { rssKb: all.reduce((a, p) => a + p.rssKb, 0), cpuTicks: all.reduce((a, p) => a + p.cpuTicks, 0) };
}
function procStat1(pid) {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rssKb: rss, cpuTicks: Number(f[11]) + Number(f[12]) }; // utime+stime
  } catch (e) { return null; }
}
const CLK_TCK = 100;
function hostBusy() { // all CPUs, jiffies: [busy, total]
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  return [total - idle, total];
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function payload(seq, sentAt) {
  // A realistic qa:tally: the talk, the changed question and the top tallies.
  const tallies = [];
  for (let q = 0; q < 12; q++) tallies.push({ id: `q${1000 + q}`, votes: (seq * 7 + q * 13) % 97 });
  return {
    seq, sent_at: sentAt, room: 'ml-art', talk: 'neural-cellular-automata-2020',
    question: { id: `q${1000 + (seq % 12)}`, state: 'approved', votes: seq % 97 },
    tallies,
  };
}

async function master() {
  const N = Number(arg('clients', 200)), R = Number(arg('rate', 5));
  const D = Number(arg('duration', 10)), W = Math.max(1, Math.min(Number(arg('workers', 2)), N));
  const serverPid = String(arg('server-pid', '')).split(',').filter(Boolean).map(Number);
  const drainMs = Number(arg('drain', 15)) * 1000;
  const E = Math.max(1, Math.round(R * D));
  const log = (...a) => console.error('[load]', ...a);

  const rssIdle0 = procStat(serverPid);
  const workers = [];
  const tConn = Date.now();
  for (let w = 0; w < W; w++) {
    const n = Math.floor(N / W) + (w < N % W ? 1 : 0);
    const child = fork(__filename, [...argv, '--worker', '1', '--index', String(w), '--n', String(n), '--events', String(E)]);
    workers.push(child);
  }
  const once = (type) => Promise.all(workers.map((c) => new Promise((res) => {
    const h = (m) => { if (m.type === type) { c.off('message', h); res(m); } };
    c.on('message', h);
  })));
  const ready = await once('ready');
  const joined = ready.reduce((a, m) => a + m.joined, 0);
  const failedConn = ready.reduce((a, m) => a + m.failed, 0);
  log(`${joined}/${N} clients joined in ${((Date.now() - tConn) / 1000).toFixed(1)} s`);
  await sleep(3000); // let the server settle before sampling idle RSS
  const rssIdle1 = procStat(serverPid);

  // emitter: a lean client that never joins the room
  const em = new WebSocket(WS_URL, { perMessageDeflate: false });
  await new Promise((res, rej) => {
    em.on('message', (b) => {
      const m = b.toString();
      if (m === '2') em.send('3');
      else if (m[0] === '0') em.send('40');
      else if (m.startsWith('40')) res();
    });
    em.on('error', rej);
  });
  workers.forEach((c) => c.send({ type: 'start' }));
  const cpu0 = procStat(serverPid);
  const host0 = hostBusy();
  const t0 = Date.now() + 200;
  let sent = 0;
  while (sent < E) {
    const due = t0 + (sent * 1000) / R;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait - 1);
    while (Date.now() < due) { /* spin the last ms */ }
    em.send('42' + JSON.stringify(['bench:emit', payload(sent, due)]));
    sent++;
  }
  const tSent = Date.now();
  workers.forEach((c) => c.send({ type: 'finish', sent, drainMs }));
  const stats = await once('stats');
  const cpu1 = procStat(serverPid);
  const host1 = hostBusy();
  const rssEnd = procStat(serverPid);
  em.terminate();
  workers.forEach((c) => c.send({ type: 'exit' }));

  const hist = new Float64Array(HIST_MAX + 1);
  let received = 0, dup = 0, maxLat = 0, tLast = 0, disconnects = 0, reconnects = 0;
  for (const s of stats) {
    s.hist.forEach((v, i) => { hist[i] += v; });
    received += s.received; dup += s.dup; maxLat = Math.max(maxLat, s.maxLat);
    tLast = Math.max(tLast, s.tLast); disconnects += s.disconnects; reconnects += s.reconnects;
  }
  // Each event's broadcast: start = its first delivery - sent_at (waiting behind the previous
  // broadcast, a stall or the emitter), span = last - first delivery (the fan-out itself).
  const start = [], span = [];
  for (let e = 0; e < E; e++) {
    const f = Math.min(...stats.map((s) => s.first[e] ?? Infinity));
    const l = Math.max(...stats.map((s) => s.last[e]));
    if (f === Infinity) continue;
    start.push(f - (t0 + (e * 1000) / R)); span.push(l - f);
  }
  const q = (xs, p) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]);
  const pct = (p) => {
    const target = received * p; let acc = 0;
    for (let i = 0; i <= HIST_MAX; i++) { acc += hist[i]; if (acc >= target && acc > 0) return i; }
    return null;
  };
  // deliveries/s over the emit window E/R, or longer if the last delivery came later
  const windowS = Math.max(E / R, (tLast - t0) / 1000);
  const expected = joined * E;
  const serverCpuPct = cpu0 && cpu1 ? (100 * (cpu1.cpuTicks - cpu0.cpuTicks) / CLK_TCK) / ((Date.now() - t0) / 1000) : null;
  const out = {
    clients: N, joined, failed_connects: failedConn, rate: R, duration_s: D, events: E,
    expected, received, lost: Math.max(0, expected - received), duplicates: dup,
    deliveries_per_s: Math.round(received / windowS),
    p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: Math.round(maxLat),
    disconnects, reconnects,
    event_start_ms: start.length ? `${q(start, 0.5)}/${q(start, 1)}` : null,
    event_span_ms: span.length ? `${q(span, 0.5)}/${q(span, 1)}` : null,
    emitter_lag_ms: Math.max(0, tSent - (t0 + ((E - 1) * 1000) / R)),
    rss_kb_idle_before: rssIdle0 && rssIdle0.rssKb, rss_kb_idle_after: rssIdle1 && rssIdle1.rssKb,
    rss_kb_end: rssEnd && rssEnd.rssKb,
    rss_kb_per_conn: rssIdle0 && rssIdle1 && joined ? +((rssIdle1.rssKb - rssIdle0.rssKb) / joined).toFixed(1) : null,
    server_cpu_pct: serverCpuPct && Math.round(serverCpuPct),
    loadgen_cpu_pct: stats.map((s) => Math.round(s.cpuPct)),
    // whole machine, 100 = one core: what the bench uses plus anything else running
    host_cpu_pct: Math.round(100 * require('os').cpus().length * (host1[0] - host0[0]) / Math.max(1, host1[1] - host0[1])),
    client: arg('client', 'lean'), workers: W,
    t0_ms: t0, t_end_ms: Date.now(),  // the measured window, for the server's own records
  };
  console.log(JSON.stringify(out));
  process.exit(0);
}

if (arg('worker')) worker(); else master();
