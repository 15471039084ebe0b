#!/usr/bin/python3
"""python-socketio AsyncServer (aiohttp) for m5_python_stale_sid: a polling
client whose session the server has closed (ping timeout) while the client
still polls with that sid, then a second session of the same client.

usage: py_stale_server.py <port> <truth.jsonl>

Timeline (py_stale_client.py is the other half):
  session 1  c2s "hello" (ack) -> the server emits "block" (4 s, with an ack
             callback); the client's handler blocks its event loop for 4 s.
             The GET the client sent just before takes the server's "while
             you sleep" event 0.2 s later; after that the client sends no GET,
             so the server's next ping stays in its queue (never on the wire)
             and is not answered: 1 s later python-engineio closes the session
             ("Client is gone"), again without a packet on the wire. When the
             client wakes up, its next GET and its POST (the ack of "block")
             carry the closed session's sid: the server answers them with
             HTTP errors (logged as http_error lines, the refused POST's
             packets with "rejected"). The first of the two gets 500 from
             aiohttp (python-engineio raises KeyError('Session is
             disconnected') for a session closed but not yet removed), the
             second 400 "Invalid session <sid>".
  session 2  the client connects again (a new AsyncClient): "again" (ack),
             then a clean disconnect.
The truth has "sid" on every line and ends with an {"expect": ...} line.
"""
import asyncio
import sys

import py_server_base as B
import py_truth
import socketio
from aiohttp import web
from engineio import asyncio_socket
from py_server_base import expect, fail, log, step

py_truth.install('aiohttp')     # hooks engineio before the server exists
py_truth.STAMP_SID = True

port = int(sys.argv[1])
truth_path = sys.argv[2]

BLOCK_S = 4
WHILE_YOU_SLEEP = 'sent while the client blocks its event loop'
NEEDED = {'hello 1', 'block sent', 'while you sleep sent', 'session 1 gone', 'hello 2', 'again',
          'session 2 closed'}
eio_sids = []             # Engine.IO session ids in connect order
timed_out = []            # Engine.IO sids python-engineio closed for a ping timeout


# which sessions python-engineio closes for a ping timeout: its
# check_ping_timeout() returns False and closes the socket ("Client is gone")
_orig_check = asyncio_socket.AsyncSocket.check_ping_timeout


async def _check_ping_timeout(self):
    was_open = not (self.closing or self.closed)
    ok = await _orig_check(self)
    if not ok and was_open:
        log('engine.io session %s closed by ping timeout' % self.sid)
        timed_out.append(self.sid)
    return ok


asyncio_socket.AsyncSocket.check_ping_timeout = _check_ping_timeout

sio = socketio.AsyncServer(async_mode='aiohttp', ping_interval=1, ping_timeout=1)
app = web.Application()
sio.attach(app)
finished = asyncio.Event()


@sio.on('connect')
async def on_connect(sid, environ, auth):
    eio_sids.append(sio.manager.eio_sid_from_sid(sid, '/'))
    log('connected / as', sid, 'engine.io', eio_sids[-1])


@sio.on('hello')
async def on_hello(sid, n):
    step('hello %d' % n)
    if n == 1:
        async def block():
            await asyncio.sleep(0.1)     # after the ack of "hello"

            def on_block_ack(*args):     # never comes: the session is gone by then
                fail('ack of "block" reached the server: %r' % (args,))
            await sio.emit('block', BLOCK_S, to=sid, callback=on_block_ack)
            step('block sent')
            # on the GET the client sent before its handler blocked: from
            # here on no GET is pending, so the next ping stays queued
            await asyncio.sleep(0.2)
            await sio.emit('while you sleep', WHILE_YOU_SLEEP, to=sid)
            step('while you sleep sent')
        sio.start_background_task(block)
    return 'hi', n


@sio.on('again')
async def on_again(sid, n):
    step('again')
    return 'welcome back', n


@sio.on('disconnect')
async def on_disconnect(sid):
    log('/ disconnect', sid)
    if 'session 1 gone' not in B.done:
        step('session 1 gone')
    else:
        step('session 2 closed')
        asyncio.get_running_loop().call_later(1.0, finished.set)


def expectations():
    """From the server's point of view: requests with an ack id that were
    never acked, sessions closed by a ping timeout, the number of sessions."""
    reqs, acks = {}, set()
    for r in py_truth.records:
        p = r.get('sio')
        if not p or r.get('rejected') or p.get('id') is None:
            continue
        if p['type'] in (2, 5):
            reqs[(r['sid'], r['dir'], p['nsp'], p['id'])] = p
        elif p['type'] in (3, 6):
            acks.add((r['sid'], 'c2s' if r['dir'] == 's2c' else 's2c', p['nsp'], p['id']))
    unanswered = [{'sid': k[0], 'dir': k[1], 'nsp': k[2], 'id': k[3], 'event': p['data'][0]}
                  for k, p in reqs.items() if k not in acks]
    return {'unanswered': unanswered,
            'timed_out_sessions': [{'sid': s, 'reason': 'ping timeout'} for s in timed_out],
            'sessions': len(eio_sids)}


def the_end():
    B.check_steps(NEEDED)
    expect('sessions timed out', timed_out, eio_sids[:1])
    errors = [r for r in py_truth.records if 'http_error' in r]
    log('http errors:', [(r['sid'], r['http_error']['status'], r['http_error']['body'])
                         for r in errors])
    if not errors or any(r['sid'] != eio_sids[0] for r in errors):
        fail('expected HTTP errors for the closed session only')
    py_truth.records.append({'expect': expectations()})
    B.write_truth(truth_path)


if __name__ == '__main__':
    sys.exit(asyncio.run(B.serve_aiohttp(app, port, finished, the_end)))
