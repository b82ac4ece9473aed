"""event_server.live.broadcast against a real aiohttp server and stock clients.

python-socketio's AsyncClient (websocket, long-polling, polling->websocket
upgrade), the Node socket.io-client (needs `npm ci --prefix bench`), and raw
sockets for what a stock client cannot show (negotiated compression, a client
that stops reading).
"""
import asyncio
import gc
import json
import os
import socket

import aiohttp
import pytest
import socketio
from aiohttp import web

from event_server.live import broadcast

pytestmark = pytest.mark.asyncio
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, 'bench')


async def start_server(aiohttp_server, install=True, ping=(1, 4), **install_kw):
    # a short ping interval only so that long-polling clients disconnect fast
    sio = socketio.AsyncServer(async_mode='aiohttp', namespaces='*',
                               ping_interval=ping[0], ping_timeout=ping[1])
    if install:
        broadcast.install(sio, **install_kw)
    sio.disconnected = []

    @sio.on('join', namespace='*')
    async def join(namespace, sid, room):
        await sio.enter_room(sid, room, namespace=namespace)
        # a unicast right before a room broadcast: must arrive first
        await sio.emit('snapshot', {'room': room}, to=sid, namespace=namespace)
        return {'ok': True}

    @sio.on('connect')
    async def connect(sid, environ, auth):
        if (auth or {}).get('room') == 'burst':  # at once, while on long-polling
            await sio.enter_room(sid, 'burst')
            sio.start_background_task(burst, sid, {'room': 'burst'})

    @sio.on('shout')
    async def shout(sid, data):
        await sio.emit('tally', data, room=data['room'], skip_sid=sid)

    @sio.on('burst')
    async def burst(sid, data):
        # unicasts and room broadcasts, one pair per loop turn, until 50 pairs
        # after the client's transport switched: spans the upgrade, when
        # packets still sit in the engine.io queue while direct writes start
        sock = sio.eio.sockets[sio.manager.eio_sid_from_sid(sid, '/')]
        i = before = after = 0
        while after < 50 and i < 20000:
            await sio.emit('n', 2 * i, to=sid)
            await sio.emit('n', 2 * i + 1, room=data['room'])
            i += 1
            after += sock.upgraded
            before += not sock.upgraded
            await asyncio.sleep(0)
        await sio.emit('burst-done', {'pairs': i, 'before_upgrade': before}, to=sid)

    @sio.on('disconnect', namespace='*')
    async def disconnect(namespace, sid, reason):
        sio.disconnected.append(sid)

    app = web.Application()
    sio.attach(app)
    server = await aiohttp_server(app)
    return sio, f'http://{server.host}:{server.port}'


async def until(predicate, timeout=10.0):
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('condition not met in time')


async def py_client(url, transports, room=None, namespace='/'):
    c = socketio.AsyncClient(reconnection=False)
    c.got = []

    @c.on('*', namespace=namespace)
    async def any_event(event, *args):
        c.got.append((event, args[0] if args else None))

    await c.connect(url, transports=transports, namespaces=[namespace])
    if room is not None:
        assert await c.call('join', room, namespace=namespace) == {'ok': True}
    return c


def names(c, event):
    return [d for e, d in c.got if e == event]


async def test_room_broadcast_reaches_each_member_once(aiohttp_server):
    sio, url = await start_server(aiohttp_server)
    sender = await py_client(url, ['websocket'], 'talk-1')
    ws = await py_client(url, ['websocket'], 'talk-1')
    polling = await py_client(url, ['polling'], 'talk-1')
    upgraded = await py_client(url, ['polling', 'websocket'], 'talk-1')
    outsider = await py_client(url, ['websocket'], 'talk-2')
    members = [ws, polling, upgraded]
    await until(lambda: upgraded.transport() == 'websocket')
    try:
        # the fast path is really in use for websocket clients, not for polling
        socks = sio.eio.sockets
        assert type(socks[ws.eio.sid]).__name__ == '_DirectSocket'
        assert socks[ws.eio.sid].upgraded and not socks[polling.eio.sid].upgraded

        payload = {'room': 'talk-1', 'question': 'q42', 'votes': 7, 'text': 'Почему GAN?'}
        await sender.emit('shout', payload)
        await sender.emit('shout', {'room': 'talk-1', 'marker': True})
        await until(lambda: all(len(names(c, 'tally')) == 2 for c in members))
        await asyncio.sleep(0.3)  # time for anything wrongly sent to arrive
        for c in members:
            assert names(c, 'tally') == [payload, {'room': 'talk-1', 'marker': True}]
            assert c.got[0] == ('snapshot', {'room': 'talk-1'})
        assert names(sender, 'tally') == []  # skip_sid
        assert names(outsider, 'tally') == []  # not in the room
    finally:
        await asyncio.gather(*(c.disconnect() for c in members + [sender, outsider]))


async def test_to_sid_whole_namespace_other_namespace_and_binary(aiohttp_server):
    sio, url = await start_server(aiohttp_server)
    a = await py_client(url, ['websocket'], 'r')
    b = await py_client(url, ['polling'], 'r')
    chat = await py_client(url, ['websocket'], 'r', namespace='/chat')
    try:
        await sio.emit('only-a', {'x': 1}, to=a.get_sid())
        await sio.emit('everyone', [1, 'two'])
        await sio.emit('tuple', (1, {'two': 2}), room='r')  # several arguments
        await sio.emit('chat', {'c': 1}, room='r', namespace='/chat')
        await sio.emit('blob', {'png': b'\x89PNG\x00\xff'}, room='r')  # stock binary path
        await sio.emit('end', None, room='r')
        await until(lambda: names(a, 'end') and names(b, 'end'))
        await until(lambda: names(chat, 'chat'))
        assert names(a, 'only-a') == [{'x': 1}] and names(b, 'only-a') == []
        assert names(a, 'everyone') == [[1, 'two']] == names(b, 'everyone')
        assert names(a, 'tuple') == [1] == names(b, 'tuple')  # first argument
        assert names(a, 'blob') == [{'png': b'\x89PNG\x00\xff'}] == names(b, 'blob')
        assert names(a, 'chat') == [] and names(chat, 'chat') == [{'c': 1}]
        assert names(chat, 'everyone') == []
    finally:
        await asyncio.gather(*(c.disconnect() for c in (a, b, chat)))


async def node_client(url, room, mode):
    """A stock Node socket.io-client (bench/stock_client.js) and its output."""
    if not os.path.isdir(os.path.join(BENCH, 'node_modules', 'socket.io-client')):
        pytest.fail('bench/node_modules is missing: run `npm ci --prefix bench`')
    proc = await asyncio.create_subprocess_exec(
        'node', os.path.join(BENCH, 'stock_client.js'), url, room, mode,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**20)
    proc.lines = []

    async def pump():
        async for line in proc.stdout:
            proc.lines.append(json.loads(line))
    proc.pump = asyncio.ensure_future(pump())
    return proc


def node_events(proc, name):
    return [m['args'] for m in proc.lines if m['type'] == 'event' and m['name'] == name]


async def stop(procs):
    for p in procs:
        p.stdin.close()
        try:
            await asyncio.wait_for(p.wait(), 5)
        except TimeoutError:
            p.kill()
            await p.wait()


async def test_order_kept_across_upgrade_and_unicasts(aiohttp_server):
    sio, url = await start_server(aiohttp_server)
    # the stock client's default: connect on polling, upgrade in the background
    proc = await node_client(url, 'burst', 'default')
    try:
        await until(lambda: node_events(proc, 'burst-done'), timeout=30)
        done = node_events(proc, 'burst-done')[0][0]
        assert done['before_upgrade'] > 0, 'burst ended before the upgrade began'
        assert [a[0] for a in node_events(proc, 'n')] == list(range(2 * done['pairs']))
        assert proc.lines[-1]['transport'] == 'websocket'
    finally:
        await stop([proc])


async def test_idle_websocket_outlives_ping_interval_plus_timeout(aiohttp_server):
    # In direct mode pings bypass the engine.io queue; the stock writer gave
    # up after ping_interval + ping_timeout without queued packets.
    sio, url = await start_server(aiohttp_server, ping=(0.5, 1))
    c = await py_client(url, ['websocket'], 'r')
    try:
        await asyncio.sleep(3)
        await sio.emit('tally', {'v': 1}, room='r')
        await until(lambda: names(c, 'tally') == [{'v': 1}])
        assert sio.disconnected == [] and c.connected
    finally:
        await c.disconnect()


async def test_client_that_stops_answering_pings_is_dropped(aiohttp_server):
    # in direct mode pings bypass the engine.io queue; a client that never answers must still time out
    sio, url = await start_server(aiohttp_server, ping=(0.3, 0.6))
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(url + '/socket.io/?EIO=4&transport=websocket')
        assert (await ws.receive_str()).startswith('0')  # engine.io open
        await ws.send_str('40')  # socket.io connect, then never a pong
        assert (await ws.receive_str()).startswith('40')
        pings = 0
        while not sio.disconnected:
            msg = await asyncio.wait_for(ws.receive(), 5)
            if msg.type == aiohttp.WSMsgType.TEXT and msg.data == '2':
                pings += 1
            elif msg.type != aiohttp.WSMsgType.TEXT:
                break
        await until(lambda: sio.disconnected and not sio.eio.sockets)
        assert pings == 1


async def test_server_side_disconnect_reaches_websocket_client(aiohttp_server):
    sio, url = await start_server(aiohttp_server)
    c = await py_client(url, ['websocket'], 'r')
    gone = asyncio.Event()
    c.on('disconnect', lambda *reason: gone.set())
    await sio.disconnect(c.get_sid())
    await asyncio.wait_for(gone.wait(), 5)
    await until(lambda: not sio.eio.sockets)


async def test_closed_websockets_are_freed_without_waiting_for_a_full_collection(aiohttp_server):
    # With 10,000 sockets open a full collection stalls the worker for seconds; a closed connection must
    # not leave a reference cycle (its error's traceback holding its websocket) that only such a collection frees.
    sio, url = await start_server(aiohttp_server)
    gc.collect()
    gc.disable()
    try:
        async with aiohttp.ClientSession() as session:
            sockets = [await session.ws_connect(url + '/socket.io/?EIO=4&transport=websocket') for _ in range(10)]
            for ws in sockets:
                assert (await ws.receive_str()).startswith('0')
                await ws.send_str('40')
                assert (await ws.receive_str()).startswith('40')
            assert server_websockets() == 10
            for ws in sockets[:5]:
                await ws.close()  # a tab closed
            for ws in sockets[5:]:
                ws._response.connection.transport.abort()  # a laptop lid shut: no close frame
            await until(lambda: not sio.eio.sockets and len(sio.disconnected) == 10)
            await until(lambda: server_websockets() == 0, timeout=2)  # freed as the handlers return
    finally:
        gc.enable()


def server_websockets() -> int:
    return sum(type(o) is web.WebSocketResponse for o in gc.get_objects())


def masked_frame(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 126
    return bytes((0x81, 0x80 | len(data))) + b'\0\0\0\0' + data  # zero mask key


async def test_slow_client_is_dropped_others_unaffected(aiohttp_server):
    sio, url = await start_server(aiohttp_server, max_backlog=64 * 1024)
    fast = await py_client(url, ['websocket'], 'r')
    # a websocket client that joins and then never reads again
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = url[7:].split(':')
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (host, int(port)))
    reader, writer = await asyncio.open_connection(sock=raw)
    writer.write(b'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n'
                 b'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'
                 b'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
    assert b'101' in await reader.readline()
    writer.write(masked_frame('40') + masked_frame('42["join","r"]'))
    await until(lambda: len(sio.manager.rooms['/'].get('r', {})) == 2)
    slow_sid = next(s for s in sio.manager.rooms['/']['r'] if s != fast.get_sid())
    try:
        pad, i = 'x' * 32_000, 0
        # paced by the reading client; the other one's unsent bytes pile up
        # beyond what the kernel buffers hold, then beyond max_backlog
        while slow_sid not in sio.disconnected:
            assert i < 1000, 'the client that stopped reading was never dropped'
            await sio.emit('big', {'i': i, 'pad': pad}, room='r')
            i += 1
            await until(lambda i=i: len(names(fast, 'big')) == i)
        assert [d['i'] for d in names(fast, 'big')] == list(range(i))
        assert fast.get_sid() not in sio.disconnected
    finally:
        writer.close()
        await fast.disconnect()


async def handshake(session, url, **kw):
    ws = await session.ws_connect(url + '/socket.io/?EIO=4&transport=websocket', **kw)
    assert (await ws.receive_str()).startswith('0{')
    await ws.send_str('40')
    assert (await ws.receive_str()).startswith('40')
    await ws.send_str('42["join","r"]')
    return ws


@pytest.mark.parametrize('compress', [False, True])
async def test_permessage_deflate_off_by_default_configurable(aiohttp_server, compress):
    sio, url = await start_server(aiohttp_server, compress=compress)
    async with aiohttp.ClientSession() as session:
        ws = await handshake(session, url, compress=15)  # offer deflate, as browsers do
        assert ws.compress == (15 if compress else 0)
        assert json.loads((await ws.receive_str())[2:]) == ['snapshot', {'room': 'r'}]
        await sio.emit('tally', {'v': 1}, room='r')
        assert json.loads((await ws.receive_str())[2:]) == ['tally', {'v': 1}]
        await ws.close()


async def test_install_refuses_unpinned_versions(monkeypatch):
    monkeypatch.setattr(broadcast.importlib.metadata, 'version', lambda name: '9.9.9')
    with pytest.raises(RuntimeError, match=r"5\.18\.1.*4\.15\.1"):
        broadcast.install(socketio.AsyncServer(async_mode='aiohttp'))


async def test_node_socketio_client_websocket_polling_and_upgrade(aiohttp_server):
    sio, url = await start_server(aiohttp_server)
    procs = {mode: await node_client(url, 'talk-1', mode)
             for mode in ('websocket', 'polling', 'default')}
    try:
        await until(lambda: all(any(m['type'] == 'joined' for m in p.lines)
                                for p in procs.values()))
        await until(lambda: any(m['type'] == 'upgrade' for m in procs['default'].lines))
        procs['websocket'].stdin.write(
            b'["emit","shout",{"room":"talk-1","q":"q7","votes":3}]\n')
        await until(lambda: all(node_events(procs[k], 'tally') for k in ('polling', 'default')))
        await sio.emit('tally', {'room': 'talk-1', 'end': True}, room='talk-1')
        await until(lambda: all(node_events(p, 'tally')[-1:] == [[{'room': 'talk-1', 'end': True}]]
                                for p in procs.values()))
        await asyncio.sleep(0.3)
        tally = [{'room': 'talk-1', 'q': 'q7', 'votes': 3}]
        end = [{'room': 'talk-1', 'end': True}]
        assert node_events(procs['polling'], 'tally') == [tally, end]
        assert node_events(procs['default'], 'tally') == [tally, end]
        assert node_events(procs['websocket'], 'tally') == [end]  # skip_sid
        for p in procs.values():
            assert [m['name'] for m in p.lines if m['type'] == 'event'][0] == 'snapshot'
        assert procs['default'].lines[-1]['transport'] == 'websocket'
        assert procs['polling'].lines[-1]['transport'] == 'polling'
    finally:
        await stop(procs.values())
