#!/usr/bin/python3
"""python-socketio 5.x (Debian's python3-socketio) scenario server on aiohttp.

usage: py_server.py <port> <truth.jsonl>

Records the ground truth (py_truth.py), checks what the client sends and exits
by itself once the client has disconnected.
"""
import asyncio
import json
import sys
import urllib.parse

import py_truth
import socketio
from aiohttp import web

import py_scenario_data as S

py_truth.install('aiohttp')     # hooks engineio before the server exists

port = int(sys.argv[1])
truth_path = sys.argv[2]

failed = []
done = set()
NEEDED = {'client events', 'add', 'upload', 'upload2', 'getfile', 'ready', 'question',
          'need file', 'server binary acked', 'join', 'rate', 'whoami', 'kicked',
          'private rejected', 'chat query', 'auth'}


def log(*a):
    print('[server]', *a, flush=True)


def fail(msg):
    print('[server] FAIL: ' + msg, flush=True)
    failed.append(msg)


def step(name):
    log('step', name)
    done.add(name)


def expect(what, got, want):
    if got != want:
        fail('%s: got %r want %r' % (what, got, want))


sio = socketio.AsyncServer(async_mode='aiohttp', ping_interval=1, ping_timeout=2,
                           cors_allowed_origins='*')
app = web.Application()
sio.attach(app)
finished = asyncio.Event()

# ------------------------------------------------------------------ "/"
got_events = []


@sio.on('connect')
async def on_connect(sid, environ, auth):
    log('connected / as', sid, 'auth', auth)
    expect('auth on /', auth, {'token': S.ADMIN_TOKEN})


def make_handler(name):
    async def handler(sid, *args):
        got_events.append([name] + list(args))
        if len(got_events) == len(S.CLIENT_EVENTS):
            expect('client events', got_events, S.CLIENT_EVENTS)
            step('client events')
    return handler


for _name in dict.fromkeys(e[0] for e in S.CLIENT_EVENTS):
    sio.on(_name, make_handler(_name))


@sio.on('add')
async def on_add(sid, a, b):
    step('add')
    return a + b, 'sum'


@sio.on('upload')
async def on_upload(sid, obj):
    expect('upload', obj, {'name': 'f', 'data': S.UPLOAD})
    step('upload')
    return 'got %d bytes' % len(obj['data'])


@sio.on('upload2')
async def on_upload2(sid, a, obj):
    expect('upload2', [a, obj], [S.UPLOAD2_A, {'inner': S.UPLOAD2_B}])
    step('upload2')
    return 'got 2 buffers'


@sio.on('getfile')
async def on_getfile(sid, name):
    expect('getfile name', name, 'f')
    step('getfile')
    return S.FILE, {'name': name}      # binary ack s2c


@sio.on('ready')
async def on_ready(sid):
    step('ready')
    sio.start_background_task(server_batch, sid)
    return None


async def server_batch(sid):
    await asyncio.sleep(0.05)        # after the ack of "ready"
    for ev in S.SERVER_EVENTS:
        await sio.emit(ev[0], tuple(ev[1:]), to=sid)
    pending = {'n': 3}
    loop = asyncio.get_running_loop()
    all_acked = loop.create_future()

    def one_done():
        pending['n'] -= 1
        if pending['n'] == 0 and not all_acked.done():
            all_acked.set_result(True)

    def on_question(*args):
        expect('question ack', list(args), [42, {'sure': True}])
        step('question')
        one_done()

    def on_need_file(*args):
        expect('need file ack', list(args), [S.CLIENT_FILE])
        step('need file')
        one_done()

    def on_server_binary(*args):
        expect('server binary ack', list(args), ['ok'])
        step('server binary acked')
        one_done()

    await sio.emit('question', 'answer?', to=sid, callback=on_question)
    await sio.emit('need file', 'client.bin', to=sid, callback=on_need_file)
    await sio.emit('server binary', (S.SERVER_BIN_A, {'b': S.SERVER_BIN_B, 'n': 2}), to=sid,
                   callback=on_server_binary)
    await asyncio.wait_for(all_acked, 10)
    await asyncio.sleep(0.25)
    await sio.emit('batch done', to=sid)


@sio.on('disconnect')
async def on_disconnect(sid):
    log('/ disconnect')
    asyncio.get_running_loop().call_later(1.0, finished.set)


# ------------------------------------------------------------------ "/chat"
@sio.on('connect', namespace='/chat')
async def chat_connect(sid, environ, auth):
    q = urllib.parse.parse_qs(environ.get('QUERY_STRING', ''))
    log('connected /chat, query', q)
    expect('chat query room', q.get('room'), ['lobby'])
    step('chat query')

    async def welcome():          # after the CONNECT reply
        await asyncio.sleep(0.05)
        await sio.emit('chat welcome', ('lobby', 1), to=sid, namespace='/chat')
    sio.start_background_task(welcome)


@sio.on('join', namespace='/chat')
async def chat_join(sid, room):
    step('join')

    async def rate():
        await asyncio.sleep(0.05)

        def on_rate(stars):
            expect('rate ack', stars, 5)
            step('rate')
            sio.start_background_task(sio.emit, 'rated', 5, to=sid, namespace='/chat')
        await sio.emit('rate', 'how was it?', to=sid, namespace='/chat', callback=on_rate)
    sio.start_background_task(rate)
    return True, {'room': room, 'members': 1}


@sio.on('disconnect', namespace='/chat')
async def chat_disconnect(sid):
    log('/chat disconnect')


# ------------------------------------------------------------------ "/admin"
@sio.on('connect', namespace='/admin')
async def admin_connect(sid, environ, auth):
    expect('admin auth', auth, {'token': S.ADMIN_TOKEN})
    step('auth')


@sio.on('whoami', namespace='/admin')
async def admin_whoami(sid):
    step('whoami')
    session_auth = {'token': S.ADMIN_TOKEN, 'admin': True}
    return session_auth


@sio.on('kick me', namespace='/admin')
async def admin_kick(sid):
    step('kicked')
    await sio.disconnect(sid, namespace='/admin')     # server-side namespace disconnect


@sio.on('disconnect', namespace='/admin')
async def admin_disconnect(sid):
    log('/admin disconnect')


# ------------------------------------------------------------------ "/private"
@sio.on('connect', namespace='/private')
async def private_connect(sid, environ, auth):
    step('private rejected')
    raise socketio.exceptions.ConnectionRefusedError('not authorized')


# ------------------------------------------------------------------ main
async def main():
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', port)
    await site.start()
    log('listening on 127.0.0.1:%d' % port)
    try:
        await asyncio.wait_for(finished.wait(), 25)
    except asyncio.TimeoutError:
        fail('scenario did not finish within 25 s')
    for n in sorted(NEEDED - done):
        fail('step not done: ' + n)
    for p in py_truth.problems():
        fail('recorder: %r' % (p,))
    py_truth.write(truth_path)
    log('wrote %d truth records to %s' % (len(py_truth.records), truth_path))
    await runner.cleanup()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(asyncio.run(main()))
