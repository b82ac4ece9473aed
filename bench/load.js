// Attendees for bench/event_day.py: N lean socket.io clients that do what the room page does, in phases
// the driver (event_day.py) asks for on stdin, one JSON command a line; each phase's result is one JSON
// line on stdout.
//
//   node bench/load.js --url http://127.0.0.1:8001[,http://127.0.0.1:8002] --clients 10000 \
//        --room ml-art [--workers 2]
//
// Commands:
//   {"cmd": "arrive", "spread": 60}   every attendee opens the room, arrivals evenly spread over `spread` s:
//        GET /rooms/<room> (the attendee cookie), a websocket with that cookie, room:join (its answer is
//        the first clock sample, and the join sends the Q&A queue), then two clock:sync one after another.
//        Result: time to the first room:state p50/p99/max (from the GET), error acks, connections that
//        failed, disconnects.
//   {"cmd": "storm", "spread": 10}    every socket drops at once and comes back within `spread` s with its
//        cookie (no page load, as socket.io-client reconnects) and joins again. Same result.
//   {"cmd": "qa", "rate": 20, "duration": 30, "voters": 200, "questions": ["id", ...]}
//        voters (the first attendees) vote open-loop: vote k (k = 0…) is due at t0 + k/rate, from voter
//        k % voters on question k // voters, so question q's count after its j-th vote is exactly j and
//        every listener's qa:tally says which votes reached it. Result: vote-to-screen p50/p99/max (from the
//        vote's *scheduled* time, so a late sender shows as latency), deliveries/s, lost, error acks.
//   {"cmd": "quit"}
// Clients are spread over --workers child processes; attendee g uses server g % count (as a balancer would).
'use strict';
const { fork } = require('child_process');
const http = require('http');
const readline = require('readline');
const WebSocket = require('ws');

const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const URLS = arg('url', 'http://127.0.0.1:8001').split(',');
const ROOM = arg('room', 'ml-art');
const HIST_MAX = 120000; // 1 ms buckets up to 120 s
const SYNCS = 2; // static/js/clock.js: the join's answer and two round trips
const TIMEOUT_MS = 30000;

function pageCookie(url) { // the first page load: the attendee cookie
  return new Promise((resolve) => {
    const req = http.get(`${url}/rooms/${ROOM}`, { agent: false }, (res) => {
      const set = [].concat(res.headers['set-cookie'] || []).join(';');
      const m = /es_attendee=([^;]+)/.exec(set);
      res.resume();
      res.on('end', () => resolve(m ? `es_attendee=${m[1]}` : null));
    });
    req.on('error', () => resolve(null));
    req.setTimeout(TIMEOUT_MS, () => req.destroy());
  });
}

// ---------------------------------------------------------------- worker: its share of the attendees
function worker() {
  const w = Number(arg('index')), W = Number(arg('of')), N = Number(arg('clients'));
  const url = (g) => URLS[g % URLS.length];
  const wsUrl = (g) => url(g).replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket';
  const mine = []; for (let g = w; g < N; g += W) mine.push(g); // global attendee numbers
  const people = new Map(); // g -> {cookie, ws, seen: Int32Array}
  let phase = null; // counters of the running phase
  let qa = null; // the vote schedule while a qa phase runs

  function fresh() {
    return { hist: new Uint32Array(HIST_MAX + 1), max: 0, errors: 0, failed: 0, disconnects: 0, done: 0,
             delivered: 0, votes: 0, voteErrors: 0, errorSample: null, last: 0 };
  }
  const record = (ms) => { phase.hist[Math.min(HIST_MAX, Math.max(0, Math.round(ms)))]++; if (ms > phase.max) phase.max = ms; };

  function tally(p, m) { // vote-to-screen for every vote this tally shows for the first time
    if (!qa) return;
    const now = Date.now();
    const { votes } = JSON.parse(m.slice(2))[1];
    for (const [id, n] of Object.entries(votes)) {
      const q = qa.index.get(id);
      if (q === undefined) continue;
      for (let j = p.seen[q] + 1; j <= n; j++) {
        record(now - (qa.t0 + ((q * qa.voters + j - 1) * 1000) / qa.rate));
        phase.delivered++;
      }
      if (n > p.seen[q]) p.seen[q] = n;
    }
  }

  // One attendee's socket: join, then (on a first arrival) the clock, as room.js does.
  function open(g, started, full) {
    const p = people.get(g);
    return new Promise((resolve) => {
      const ws = new WebSocket(wsUrl(g), { headers: p.cookie ? { Cookie: p.cookie } : {}, skipUTF8Validation: true });
      p.ws = ws; p.joined = false;
      let gotState = false, finished = false, ackId = 1;
      const finish = (ok) => {
        if (finished) return;
        finished = true; clearTimeout(timer);
        if (ok) { phase.done++; phase.last = Math.max(phase.last, Date.now()); } else phase.failed++;
        resolve();
      };
      // gave up waiting: our own close, not the server dropping a joined socket
      const timer = setTimeout(() => { finish(false); p.dropping = true; ws.terminate(); }, TIMEOUT_MS);
      const send = (event, payload) => ws.send(`42${ackId}${JSON.stringify([event, payload])}`);
      ws.on('message', (buf) => {
        const m = buf.toString();
        if (m.startsWith('42["qa:tally"')) { tally(p, m); return; }
        if (m === '2') { ws.send('3'); return; }
        if (m[0] === '0') { ws.send('40'); return; }
        if (m.startsWith('40')) { send('room:join', { room: ROOM }); return; }
        if (m.startsWith('42["room:state"')) {
          if (!gotState) { gotState = true; record(Date.now() - started); }
          return;
        }
        if (!m.startsWith('43')) return;
        const bracket = m.indexOf('[');
        const id = Number(m.slice(2, bracket));
        if (qa && id >= 100) { // a vote's answer
          if (!m.startsWith('{"ok":true', bracket + 1)) { phase.voteErrors++; phase.errorSample = phase.errorSample || m.slice(0, 300); }
          return;
        }
        if (id !== ackId) return;
        if (!m.startsWith('{"ok":true', bracket + 1)) { phase.errors++; phase.errorSample = phase.errorSample || m.slice(0, 300); }
        if (id === 1) p.joined = true;
        ackId++;
        if (!full || ackId > 1 + SYNCS) { finish(true); return; }
        send('clock:sync', { t0: Date.now() });
      });
      ws.on('error', () => {});
      ws.on('close', () => {
        if (finished && p.joined && !p.dropping) phase.disconnects++;
        p.joined = false;
        finish(false);
      });
    });
  }

  async function wave(spread, full, t0) {
    phase = fresh();
    for (const p of people.values()) p.dropping = false;
    const n = mine.length;
    await Promise.all(mine.map(async (g, i) => {
      const due = t0 + (g * spread * 1000) / N;
      await sleep(due - Date.now());
      const started = Date.now();
      const p = people.get(g) || { seen: null };
      people.set(g, p);
      if (full) p.cookie = await pageCookie(url(g));
      if (full && !p.cookie) { phase.failed++; return; }
      await open(g, started, full);
    }));
    return n;
  }

  function vote(k) {
    const g = k % qa.voters, p = people.get(g);
    const q = Math.floor(k / qa.voters);
    if (!p || !p.ws || p.ws.readyState !== WebSocket.OPEN) { phase.voteErrors++; return; }
    p.ws.send(`42${100 + (k % 1e6)}${JSON.stringify(['qa:vote', { question: qa.questions[q] }])}`);
    phase.votes++;
  }

  function summary() {
    const s = phase; phase = fresh();
    return { hist: Array.from(s.hist), max: s.max, errors: s.errors, failed: s.failed, disconnects: s.disconnects,
             done: s.done, last: s.last, delivered: s.delivered, votes: s.votes, voteErrors: s.voteErrors, errorSample: s.errorSample };
  }

  process.on('message', async (msg) => {
    if (msg.cmd === 'arrive' || msg.cmd === 'storm') {
      if (msg.cmd === 'storm') {
        for (const p of people.values()) { p.dropping = true; if (p.ws) p.ws.terminate(); }
        await sleep(200);
        for (const p of people.values()) p.dropping = false;
      }
      await wave(msg.spread, msg.cmd === 'arrive', msg.t0);
      await sleep(msg.settle * 1000);
      process.send({ type: 'result', ...summary() });
    } else if (msg.cmd === 'qa') {
      phase = fresh();
      qa = { ...msg, index: new Map(msg.questions.map((id, q) => [id, q])) };
      for (const p of people.values()) p.seen = new Int32Array(msg.questions.length);
      const E = Math.round(msg.rate * msg.duration);
      for (let k = 0; k < E; k++) {
        if ((k % msg.voters) % W !== w) continue;
        const due = msg.t0 + (k * 1000) / msg.rate;
        const wait = due - Date.now();
        if (wait > 1) await sleep(wait - 1);
        vote(k);
      }
      await sleep(Math.max(0, msg.t0 + (E * 1000) / msg.rate - Date.now()) + msg.drain * 1000);
      process.send({ type: 'result', ...summary(), listeners: [...people.values()].filter((p) => p.joined).length });
    } else if (msg.cmd === 'quit') {
      for (const p of people.values()) { p.dropping = true; if (p.ws) p.ws.terminate(); }
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

// ---------------------------------------------------------------- master: phases from stdin, results to stdout
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function merge(results) {
  const hist = new Float64Array(HIST_MAX + 1);
  const out = { errors: 0, failed: 0, disconnects: 0, done: 0, delivered: 0, votes: 0, voteErrors: 0,
                listeners: 0, max: 0, errorSample: null };
  for (const r of results) {
    r.hist.forEach((v, i) => { hist[i] += v; });
    for (const k of ['errors', 'failed', 'disconnects', 'done', 'delivered', 'votes', 'voteErrors', 'listeners']) out[k] += r[k] || 0;
    out.max = Math.max(out.max, r.max);
    out.last = Math.max(out.last || 0, r.last || 0);
    out.errorSample = out.errorSample || r.errorSample;
  }
  const total = hist.reduce((a, b) => a + b, 0);
  const pct = (p) => { let acc = 0; for (let i = 0; i <= HIST_MAX; i++) { acc += hist[i]; if (acc >= total * p && acc > 0) return i; } return null; };
  out.p50_ms = pct(0.5); out.p99_ms = pct(0.99); out.max_ms = Math.round(out.max); out.samples = total;
  delete out.max;
  return out;
}

async function master() {
  const N = Number(arg('clients', 200));
  const W = Math.max(1, Math.min(Number(arg('workers', 2)), N));
  const workers = [];
  for (let w = 0; w < W; w++) workers.push(fork(__filename, [...argv, '--worker', '1', '--index', String(w), '--of', String(W)]));
  const all = (type) => Promise.all(workers.map((c) => new Promise((res) => {
    const h = (m) => { if (m.type === type) { c.off('message', h); res(m); } };
    c.on('message', h);
  })));
  await all('ready');
  process.stdout.write(JSON.stringify({ ready: true, clients: N, workers: W }) + '\n');
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const msg = JSON.parse(line);
    if (msg.cmd === 'quit') { workers.forEach((c) => c.send(msg)); break; }
    const t0 = Date.now() + 300;
    const started = Date.now();
    const results = all('result');
    workers.forEach((c) => c.send({ settle: 2, drain: 2, ...msg, t0 }));
    const merged = merge(await results);
    merged.cmd = msg.cmd; merged.t0_ms = t0; merged.wall_s = +((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(JSON.stringify(merged) + '\n');
  }
  await sleep(200);
  process.exit(0);
}

if (arg('worker')) worker(); else master();
