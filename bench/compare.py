"""Run the broadcast benchmark against our server and the Node reference, side by side.

    .venv/bin/python bench/compare.py --clients 3000 --rate 20 --duration 20 [--baseline]
    .venv/bin/python bench/compare.py --clients 3000 --rate 20 --soak 300
    .venv/bin/python bench/compare.py --clients 3000 --rate 20 --servers ours,ours:2 --repeat 3

`ours:N` is N processes of our server sharing the room through Redis
(--redis, default redis://127.0.0.1:6379/0): the generator's processes split
the clients over their ports, the one emitter talks to the first; server CPU
and RSS are summed over the N. "scale_ratio" = ours:2 / ours deliveries.

Runs the servers one after another with the same N and R (each on a fresh
port, started and stopped here), driving each with bench/load.js; raises the
open-files limit for itself and its children; samples server VmRSS before and
after N idle clients join (-> KB per connection); prints a table and, as the
LAST line, one JSON object:
  {"clients", "rate", "ours": {...}, "node": {...}, "ratio": ours/node deliveries}
(and "plain": {...} with --baseline: stock python-socketio, no broadcast.install).
Needs `npm ci --prefix bench` once.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KEYS = ('deliveries_per_s', 'p50_ms', 'p99_ms', 'max_ms', 'lost', 'disconnects',
        'rss_kb_per_conn', 'server_cpu_pct', 'cpu_us_per_delivery',
        'loadgen_cpu_pct', 'host_cpu_pct', 'gc_full', 'event_start_ms', 'event_span_ms')


def raise_nofile(want: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard == resource.RLIM_INFINITY else min(max(want, soft), hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def server_cmd(kind: str, port: int, uvloop: bool) -> list[str]:
    if kind == 'node':
        return ['node', os.path.join(HERE, 'node_server.js'), '--port', str(port)]
    mode, _, loop = kind.partition('+')  # ours | plain, optionally +uv (uvloop)
    if mode not in ('ours', 'plain') or loop not in ('', 'uv'):
        raise SystemExit(f'unknown server {kind!r}: use ours, plain, node (+uv for uvloop)')
    cmd = [sys.executable, os.path.join(HERE, 'ours_server.py'), '--port', str(port),
           '--mode', mode]
    return cmd + (['--uvloop'] if uvloop or loop else [])


def start_servers(kind: str, port: int, args) -> list[subprocess.Popen]:
    base, _, count = kind.partition(':')  # ours:2 = two processes sharing the room via Redis
    n = int(count or 1)
    cluster = ['--redis', args.redis, '--channel', f'bench-{os.getpid()}-{port}'] if n > 1 else []
    servers = []
    for i in range(n):
        servers.append(subprocess.Popen(server_cmd(base, port + i, args.uvloop) + cluster,
                                        stdout=subprocess.PIPE, cwd=ROOT, text=True))
        if not servers[-1].stdout.readline().startswith('READY'):
            stop(servers)
            raise RuntimeError(f'{kind} server did not start (exit {servers[-1].poll()})')
    return servers


def stop(servers: list[subprocess.Popen]) -> list[list[float]]:
    """Stop the servers; the full GC collections (epoch s, pause s) ours_server.py reports on SIGTERM."""
    for srv in servers:
        srv.terminate()
    pauses = []
    for srv in servers:
        try:
            out, _ = srv.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            srv.kill()
            out, _ = srv.communicate()
        pauses += [p for line in out.splitlines() if line.startswith('GC ') for p in json.loads(line[3:])]
    return pauses


def gc_full(pauses: list[list[float]], result: dict) -> str | None:
    """'count/longest ms' of the full collections inside the measured window (Python servers only)."""
    if 't0_ms' not in result:
        return None
    inside = [p for at, p in pauses if result['t0_ms'] / 1e3 <= at <= result['t_end_ms'] / 1e3]
    return f'{len(inside)}/{round(1000 * max(inside)) if inside else 0}'


def run_one(kind: str, port: int, args) -> dict:
    servers = start_servers(kind, port, args)
    result = {}
    try:
        time.sleep(0.5)
        urls = ','.join(f'http://127.0.0.1:{port + i}' for i in range(len(servers)))
        cmd = ['node', os.path.join(HERE, 'load.js'), '--url', urls,
               '--clients', str(args.clients), '--rate', str(args.rate),
               '--duration', str(args.duration), '--workers', str(args.workers),
               '--client', args.client, '--server-pid', ','.join(str(s.pid) for s in servers),
               '--drain', str(args.drain)]
        print(f'# {kind}: {" ".join(cmd)}', file=sys.stderr, flush=True)
        out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             timeout=args.duration + args.drain + 600)
        lines = out.stdout.strip().splitlines()
        if out.returncode != 0 or not lines:
            raise RuntimeError(f'load generator failed against {kind} (exit {out.returncode})')
        result = json.loads(lines[-1])
        return result
    finally:
        pauses = stop(servers)
        if kind != 'node':
            result['gc_full'] = gc_full(pauses, result)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--clients', type=int, default=1000)
    ap.add_argument('--rate', type=float, default=10)
    ap.add_argument('--duration', type=float, default=15, help='emit for this many seconds')
    ap.add_argument('--soak', type=float, help='soak: emit for this many seconds (sets --duration)')
    ap.add_argument('--servers', default='ours,node', help='comma list of ours,node,plain (ours+uv, plain+uv: on uvloop)')
    ap.add_argument('--baseline', action='store_true', help='also run plain python-socketio')
    ap.add_argument('--workers', type=int, default=2, help='load generator processes')
    ap.add_argument('--client', choices=['lean', 'sio'], default='lean')
    ap.add_argument('--uvloop', action='store_true', help='run the Python servers on uvloop')
    ap.add_argument('--drain', type=float, default=20, help='max s to wait for late deliveries')
    ap.add_argument('--nice', type=int, help='run servers and generator at this niceness '
                    '(negative needs root): keeps other jobs on the box from skewing a run')
    ap.add_argument('--repeat', type=int, default=1,
                    help='alternate the servers K times; report each one\'s median run')
    ap.add_argument('--redis', default='redis://127.0.0.1:6379/0', help='for ours:N (N > 1)')
    ap.add_argument('--port', type=int, default=18000 + os.getpid() % 2000)
    args = ap.parse_args()
    if args.soak:
        args.duration = args.soak
    if not os.path.isdir(os.path.join(HERE, 'node_modules', 'socket.io')):
        sys.exit('bench/node_modules is missing: run `npm ci --prefix bench` first')
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by every child
    nofile = raise_nofile(2 * args.clients + 1024)
    if nofile < args.clients + 256:
        sys.exit(f'open-files limit is {nofile}, need > {args.clients + 256}: raise the hard limit')
    kinds = args.servers.split(',') + (['plain'] if args.baseline and 'plain' not in args.servers else [])
    runs = {k: [] for k in kinds}
    for rep in range(args.repeat):  # ours, node, ours, node...: shared noise hits both
        for i, kind in enumerate(kinds):
            runs[kind].append(run_one(kind, args.port + (rep * len(kinds) + i) * 4, args))
            time.sleep(2)
    results = {k: sorted(v, key=lambda r: r['deliveries_per_s'])[len(v) // 2]
               for k, v in runs.items()}

    print(f'\nclients={args.clients} rate={args.rate}/s duration={args.duration}s '
          f'client={args.client} workers={args.workers} nofile={nofile}')
    for rs in runs.values():
        for r in rs:  # server CPU time per delivery: robust to other load on the box
            r['cpu_us_per_delivery'] = round(r['server_cpu_pct'] * 1e4 / r['deliveries_per_s'], 1) \
                if r.get('server_cpu_pct') and r['deliveries_per_s'] else None
    short = {'deliveries_per_s': 'deliv/s', 'rss_kb_per_conn': 'rss_kb/conn',
             'server_cpu_pct': 'srv_cpu%', 'cpu_us_per_delivery': 'srv_us/deliv',
             'loadgen_cpu_pct': 'gen_cpu%', 'host_cpu_pct': 'host_cpu%', 'disconnects': 'disconn',
             'event_start_ms': 'ev_start_ms', 'event_span_ms': 'ev_span_ms'}
    print(f'{"server":8}' + ''.join(f'{short.get(k, k):>13}' for k in KEYS))
    for kind, rs in runs.items():
        for r in rs:
            print(f'{kind:8}' + ''.join(f'{str(r.get(k)).replace(" ", ""):>13}' for k in KEYS)
                  + ('   <- median' if len(rs) > 1 and r is results[kind] else ''))
    summary = {'clients': args.clients, 'rate': args.rate}
    for kind, r in results.items():
        summary[kind] = {k: r.get(k) for k in ('deliveries_per_s', 'p50_ms', 'p99_ms', 'max_ms',
                                               'lost', 'disconnects', 'rss_kb_per_conn',
                                               'rss_kb_end', 'cpu_us_per_delivery', 'gc_full',
                                               'event_start_ms', 'event_span_ms')}
    if 'ours' in results and 'node' in results and results['node']['deliveries_per_s']:
        summary['ratio'] = round(results['ours']['deliveries_per_s']
                                 / results['node']['deliveries_per_s'], 3)
        print(f'ratio ours/node deliveries: {summary["ratio"]}')
    if 'plain' in results and 'ours' in results and results['plain']['deliveries_per_s']:
        summary['ratio_ours_plain'] = round(results['ours']['deliveries_per_s']
                                            / results['plain']['deliveries_per_s'], 3)
    if 'ours:2' in results and 'ours' in results and results['ours']['deliveries_per_s']:
        summary['scale_ratio'] = round(results['ours:2']['deliveries_per_s']
                                       / results['ours']['deliveries_per_s'], 3)
        print(f'ratio ours:2/ours deliveries: {summary["scale_ratio"]}')
    print(json.dumps(summary), flush=True)


if __name__ == '__main__':
    main()
