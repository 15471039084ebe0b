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

import py_client_base
import socketio
from py_client_base import T, expect, log

port = int(sys.argv[1])
URL = 'http://127.0.0.1:%d' % port


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
    py_client_base.let_disconnect_finish(sio2)
    await sio2.connect(URL, transports=['polling'])
    log('session 2', sio2.eio.sid)
    if sio2.eio.sid == eio_sid_1:
        raise AssertionError('same engine.io sid twice')
    expect('hello ack 2', await sio2.call('hello', 2, timeout=T), ('hi', 2))
    expect('again ack', await sio2.call('again', 1, timeout=T), ('welcome back', 1))
    return await py_client_base.disconnect_and_end(sio2)


if __name__ == '__main__':
    py_client_base.run(main)
