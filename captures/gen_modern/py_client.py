#!/usr/bin/python3
"""python-socketio 5.x (Debian's python3-socketio) scenario client (aiohttp).

usage: py_client.py <port> [polling]

With "polling" the client is created with transports=['polling'], so the
whole session stays on HTTP long-polling (no upgrade to websocket).

python-socketio 5.7 connects all its namespaces at start-up, with the same
auth object in every CONNECT packet, and has no API to connect or disconnect a
single namespace later; so here the server disconnects /admin and the client
leaves /chat (and "/") with its final disconnect().
"""
import asyncio
import sys

import py_client_base
import py_scenario_data as S
import socketio
from py_client_base import T, expect, log

port = int(sys.argv[1])
POLLING_ONLY = sys.argv[2:] == ['polling']


async def main():
    sio = socketio.AsyncClient(reconnection=False)
    loop = asyncio.get_running_loop()
    futures = {}

    def fut(name):
        if name not in futures:
            futures[name] = loop.create_future()
        return futures[name]

    def resolve(name, value=None):
        f = fut(name)
        if not f.done():
            f.set_result(value)

    for ns in ('/', '/chat', '/admin'):
        sio.on('connect', (lambda n: lambda: resolve('connect ' + n))(ns), namespace=ns)
    sio.on('connect_error', lambda data: resolve('private error', data), namespace='/private')
    sio.on('disconnect', lambda: resolve('admin kicked'), namespace='/admin')

    py_client_base.let_disconnect_finish(sio)    # the "/" disconnect handler
    sio.on('chat welcome', lambda *a: resolve('chat welcome', list(a)), namespace='/chat')
    sio.on('rate', lambda q: 5, namespace='/chat')
    sio.on('rated', lambda *a: resolve('rated', list(a)), namespace='/chat')

    server_events = []
    for name in dict.fromkeys(e[0] for e in S.SERVER_EVENTS):
        sio.on(name, (lambda n: lambda *a: server_events.append([n] + list(a)))(name))
    sio.on('question', lambda q: (42, {'sure': True}))
    sio.on('need file', lambda name: S.CLIENT_FILE)          # binary ack c2s
    sio.on('server binary', lambda a, obj: (resolve('server binary', [a, obj]), 'ok')[1])
    sio.on('batch done', lambda: resolve('batch done'))

    # 1. connect "/", /chat, /admin and /private (refused) in one go; the
    #    query string goes into the Engine.IO handshake URL
    await sio.connect('http://127.0.0.1:%d?room=lobby' % port,
                      namespaces=['/', '/chat', '/admin', '/private'],
                      auth={'token': S.ADMIN_TOKEN}, wait=False,
                      transports=['polling'] if POLLING_ONLY else None)
    for n in ('connect /', 'connect /chat', 'connect /admin'):
        await asyncio.wait_for(fut(n), T)
    expect('private connect_error', await asyncio.wait_for(fut('private error'), T),
           {'message': 'not authorized'})
    expect('chat welcome', await asyncio.wait_for(fut('chat welcome'), T), ['lobby', 1])
    log('connected, transport', sio.transport())
    # let the upgrade to websocket finish while idle
    for _ in range(0 if POLLING_ONLY else 50):
        if sio.transport() == 'websocket':
            break
        await asyncio.sleep(0.05)
    log('transport', sio.transport())
    expect('transport', sio.transport(), 'polling' if POLLING_ONLY else 'websocket')
    expect('whoami', await sio.call('whoami', namespace='/admin', timeout=T),
           {'token': S.ADMIN_TOKEN, 'admin': True})

    # 2. a burst of events without ack
    for ev in S.CLIENT_EVENTS:
        await sio.emit(ev[0], tuple(ev[1:]))

    # 3. acks, binary events, binary ack
    expect('add ack', await sio.call('add', (2, 3), timeout=T), (5, 'sum'))
    expect('upload ack', await sio.call('upload', {'name': 'f', 'data': S.UPLOAD}, timeout=T),
           'got 4 bytes')
    expect('upload2 ack', await sio.call('upload2', (S.UPLOAD2_A, {'inner': S.UPLOAD2_B}), timeout=T),
           'got 2 buffers')
    expect('getfile ack', await sio.call('getfile', 'f', timeout=T), (S.FILE, {'name': 'f'}))
    log('acks ok')

    # 4. the server's batch
    await sio.call('ready', timeout=T)
    await asyncio.wait_for(fut('batch done'), T)
    expect('server events', server_events, S.SERVER_EVENTS)
    expect('server binary', fut('server binary').result(),
           [S.SERVER_BIN_A, {'b': S.SERVER_BIN_B, 'n': 2}])
    log('server batch ok')

    # 5. /chat: ack c2s, ack s2c
    expect('join ack', await sio.call('join', 'lobby', namespace='/chat', timeout=T),
           (True, {'room': 'lobby', 'members': 1}))
    expect('rated', await asyncio.wait_for(fut('rated'), T), [5])

    # 6. idle: several ping/pong rounds
    await asyncio.sleep(3.5)

    # 7. the server disconnects /admin
    await sio.emit('kick me', namespace='/admin')
    await asyncio.wait_for(fut('admin kicked'), T)
    log('/admin kicked')

    # 8. clean close: DISCONNECT for "/" and /chat, then the Engine.IO close
    #    (see let_disconnect_finish)
    return await py_client_base.disconnect_and_end(sio)


if __name__ == '__main__':
    py_client_base.run(main)
