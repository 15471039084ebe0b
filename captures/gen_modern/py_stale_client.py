#!/usr/bin/python3
"""python-socketio AsyncClient (aiohttp), transports=['polling'], for
m5_python_stale_sid (see py_stale_server.py for the timeline).

usage: py_stale_client.py <port>

Session 1: "hello" (ack), then the server's "block": the handler blocks the
event loop for the given seconds (time.sleep) and then returns its ack. By
then the server has closed the session; python-engineio's client gets HTTP
errors for its GET and its POST and resets itself without a disconnect
event. The script waits for that, then connects a second AsyncClient
(session 2): "again" (ack), then disconnect().
"""
import asyncio
import sys
import time

import socketio

port = int(sys.argv[1])
URL = 'http://127.0.0.1:%d' % port
T = 6


def log(*a):
    print('[client]', *a, flush=True)


def expect(what, got, want):
    if got != want:
        raise AssertionError('%s: got %r want %r' % (what, got, want))


async def main():
    # ---- session 1
    sio = socketio.AsyncClient(reconnection=False)
    loop = asyncio.get_running_loop()
    blocked = loop.create_future()

    woke = []
    sio.on('while you sleep', lambda text: woke.append(text))

    @sio.on('block')
    def on_block(seconds):
        log('blocking the event loop for %s s' % seconds)
        time.sleep(seconds)
        log('unblocked')
        blocked.set_result(seconds)
        return 'unblocked'

    await sio.connect(URL, transports=['polling'])
    eio_sid_1 = sio.eio.sid
    log('session 1', eio_sid_1)
    expect('hello ack', await sio.call('hello', 1, timeout=T), ('hi', 1))
    await asyncio.wait_for(blocked, T)
    # python-engineio's client gets non-2xx answers for the old sid and resets
    for _ in range(100):
        if sio.eio.state != 'connected':
            break
        await asyncio.sleep(0.05)
    log('session 1: engine.io state %s, socket.io connected %s'
        % (sio.eio.state, sio.connected))
    expect('engine.io state after the stale requests', sio.eio.state, 'disconnected')
    expect('while you sleep', woke, ['sent while the client blocks its event loop'])
    if sio.eio.http is not None:
        await sio.eio.http.close()

    # ---- session 2: a new client
    await asyncio.sleep(0.3)
    sio2 = socketio.AsyncClient(reconnection=False)

    async def on_disconnect():
        # let the writer put DISCONNECT and the Engine.IO close on the wire
        await asyncio.sleep(0.2)
    sio2.on('disconnect', on_disconnect)
    await sio2.connect(URL, transports=['polling'])
    log('session 2', sio2.eio.sid)
    if sio2.eio.sid == eio_sid_1:
        raise AssertionError('same engine.io sid twice')
    expect('hello ack 2', await sio2.call('hello', 2, timeout=T), ('hi', 2))
    expect('again ack', await sio2.call('again', 1, timeout=T), ('welcome back', 1))
    await sio2.disconnect()
    await asyncio.sleep(0.5)
    log('scenario ok')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(asyncio.run(asyncio.wait_for(main(), 25)))
    except Exception as e:
        print('[client] FAIL: %r' % (e,), flush=True)
        sys.exit(1)
