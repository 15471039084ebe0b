"""The server half of the m5_* scenario (py_client.py is the other half; the
data is py_scenario_data.py), written once and registered onto either server:

    register(OnAsyncServer(sio))       python-socketio AsyncServer (py_server.py:
                                       m5_python, m5_python_polling)
    register(OnFlaskSocketIO(socketio))  Flask-SocketIO on gevent
                                       (py_flask_server.py: m5_flask_gevent)

The handlers are coroutines that take the Socket.IO sid first (connect
handlers: sid, WSGI/aiohttp environ, auth) and reach the server only through
the adapter passed to register(): emit, sleep, background, disconnect,
later, new_event, wait. OnAsyncServer hands them to python-socketio as they
are and its methods are python-socketio's / asyncio's own. OnFlaskSocketIO
wraps each handler into the plain function Flask-SocketIO calls (sid from
flask.request.sid, environ from flask.request.environ) and runs the
coroutine to its end at once: its methods do their work right away, blocking
the greenlet as Flask-SocketIO's own calls do, and never suspend.
"""
import asyncio
import urllib.parse

from socketio.exceptions import ConnectionRefusedError   # Flask-SocketIO's is this one

import py_scenario_data as S
from py_server_base import expect, fail, log, step

NEEDED = {'client events', 'add', 'upload', 'upload2', 'getfile', 'ready', 'question',
          'need file', 'server binary acked', 'join', 'rate', 'whoami', 'kicked',
          'private rejected', 'chat query', 'auth'}


# ------------------------------------------------------------------ adapters
class OnAsyncServer:
    """python-socketio AsyncServer (asyncio)"""

    def __init__(self, sio):
        self.sio = sio

    def on(self, event, handler, namespace=None):
        self.sio.on(event, handler, namespace=namespace)

    def emit(self, *args, **kwargs):
        return self.sio.emit(*args, **kwargs)

    def sleep(self, seconds):
        return asyncio.sleep(seconds)

    def background(self, target, *args, **kwargs):
        self.sio.start_background_task(target, *args, **kwargs)

    def disconnect(self, sid, namespace):
        return self.sio.disconnect(sid, namespace=namespace)

    def later(self, seconds, fn):
        asyncio.get_running_loop().call_later(seconds, fn)

    def new_event(self):
        return asyncio.Event()

    async def wait(self, event, seconds):
        try:
            await asyncio.wait_for(event.wait(), seconds)
            return True
        except asyncio.TimeoutError:
            return False


class _Done:
    """an awaitable whose work is already done"""

    def __init__(self, value=None):
        self.value = value

    def __await__(self):
        return self.value
        yield  # noqa: unreachable; makes __await__ a generator


def run_now(awaitable):
    """run a coroutine that never suspends (OnFlaskSocketIO's) to its end"""
    it = awaitable.__await__()
    try:
        it.send(None)
    except StopIteration as e:
        return e.value
    it.close()
    raise RuntimeError('a handler suspended on gevent')


class OnFlaskSocketIO:
    """Flask-SocketIO's SocketIO (async_mode='gevent')"""

    def __init__(self, socketio):
        # loaded only here: the aiohttp servers do without Flask and gevent
        import threading          # gevent's, after monkey.patch_all()

        import flask
        import flask_socketio
        import gevent
        self._threading, self._flask, self._gevent = threading, flask, gevent
        self._disconnect = flask_socketio.disconnect
        self.socketio = socketio

    def on(self, event, handler, namespace=None):
        request = self._flask.request
        if event == 'connect':
            def flask_handler(auth):
                return run_now(handler(request.sid, request.environ, auth))
        else:
            def flask_handler(*args):
                return run_now(handler(request.sid, *args))
        self.socketio.on_event(event, flask_handler, namespace=namespace)

    def emit(self, *args, **kwargs):
        return _Done(self.socketio.emit(*args, **kwargs))

    def sleep(self, seconds):
        self.socketio.sleep(seconds)
        return _Done()

    def background(self, target, *args, **kwargs):
        self.socketio.start_background_task(lambda: run_now(target(*args, **kwargs)))

    def disconnect(self, sid, namespace):
        return _Done(self._disconnect(sid, namespace=namespace))    # in a handler's context

    def later(self, seconds, fn):
        self._gevent.spawn_later(seconds, fn)

    def new_event(self):
        return self._threading.Event()

    def wait(self, event, seconds):
        return _Done(event.wait(seconds))


# ------------------------------------------------------------------ the scenario
def register(io):
    """Registers the scenario's handlers; returns the event that is set 1 s
    after the client has left "/" (the server then writes the truth)."""
    finished = io.new_event()

    # -------------------------------------------------------------- "/"
    got_events = []

    async def on_connect(sid, environ, auth):
        log('connected / as', sid, 'auth', auth)
        expect('auth on /', auth, {'token': S.ADMIN_TOKEN})
    io.on('connect', on_connect)

    def make_handler(name):
        async def handler(sid, *args):
            got_events.append([name] + list(args))
            if len(got_events) == len(S.CLIENT_EVENTS):
                expect('client events', got_events, S.CLIENT_EVENTS)
                step('client events')
        return handler

    for name in dict.fromkeys(e[0] for e in S.CLIENT_EVENTS):
        io.on(name, make_handler(name))

    async def on_add(sid, a, b):
        step('add')
        return a + b, 'sum'
    io.on('add', on_add)

    async def on_upload(sid, obj):
        expect('upload', obj, {'name': 'f', 'data': S.UPLOAD})
        step('upload')
        return 'got %d bytes' % len(obj['data'])
    io.on('upload', on_upload)

    async def on_upload2(sid, a, obj):
        expect('upload2', [a, obj], [S.UPLOAD2_A, {'inner': S.UPLOAD2_B}])
        step('upload2')
        return 'got 2 buffers'
    io.on('upload2', on_upload2)

    async def on_getfile(sid, name):
        expect('getfile name', name, 'f')
        step('getfile')
        return S.FILE, {'name': name}      # binary ack s2c
    io.on('getfile', on_getfile)

    async def on_ready(sid):
        step('ready')
        io.background(server_batch, sid)
        return None
    io.on('ready', on_ready)

    async def server_batch(sid):
        await io.sleep(0.05)        # after the ack of "ready"
        for ev in S.SERVER_EVENTS:
            await io.emit(ev[0], tuple(ev[1:]), to=sid)
        pending = {'n': 3}
        all_acked = io.new_event()

        def one_done():
            pending['n'] -= 1
            if pending['n'] == 0:
                all_acked.set()

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

        await io.emit('question', 'answer?', to=sid, callback=on_question)
        await io.emit('need file', 'client.bin', to=sid, callback=on_need_file)
        await io.emit('server binary', (S.SERVER_BIN_A, {'b': S.SERVER_BIN_B, 'n': 2}), to=sid,
                      callback=on_server_binary)
        if not await io.wait(all_acked, 10):
            fail('server batch: acks missing')
        await io.sleep(0.25)
        await io.emit('batch done', to=sid)

    async def on_disconnect(sid):
        log('/ disconnect')
        io.later(1.0, finished.set)
    io.on('disconnect', on_disconnect)

    # -------------------------------------------------------------- "/chat"
    async def chat_connect(sid, environ, auth):
        q = urllib.parse.parse_qs(environ.get('QUERY_STRING', ''))
        log('connected /chat, query', q)
        expect('chat query room', q.get('room'), ['lobby'])
        step('chat query')

        async def welcome():          # after the CONNECT reply
            await io.sleep(0.05)
            await io.emit('chat welcome', ('lobby', 1), to=sid, namespace='/chat')
        io.background(welcome)
    io.on('connect', chat_connect, namespace='/chat')

    async def chat_join(sid, room):
        step('join')

        async def rate():
            await io.sleep(0.05)

            def on_rate(stars):
                expect('rate ack', stars, 5)
                step('rate')
                io.background(io.emit, 'rated', 5, to=sid, namespace='/chat')
            await io.emit('rate', 'how was it?', to=sid, namespace='/chat', callback=on_rate)
        io.background(rate)
        return True, {'room': room, 'members': 1}
    io.on('join', chat_join, namespace='/chat')

    async def chat_disconnect(sid):
        log('/chat disconnect')
    io.on('disconnect', chat_disconnect, namespace='/chat')

    # -------------------------------------------------------------- "/admin"
    async def admin_connect(sid, environ, auth):
        expect('admin auth', auth, {'token': S.ADMIN_TOKEN})
        step('auth')
    io.on('connect', admin_connect, namespace='/admin')

    async def admin_whoami(sid):
        step('whoami')
        return {'token': S.ADMIN_TOKEN, 'admin': True}
    io.on('whoami', admin_whoami, namespace='/admin')

    async def admin_kick(sid):
        step('kicked')
        await io.disconnect(sid, namespace='/admin')     # server-side namespace disconnect
    io.on('kick me', admin_kick, namespace='/admin')

    async def admin_disconnect(sid):
        log('/admin disconnect')
    io.on('disconnect', admin_disconnect, namespace='/admin')

    # -------------------------------------------------------------- "/private"
    async def private_connect(sid, environ, auth):
        step('private rejected')
        raise ConnectionRefusedError('not authorized')
    io.on('connect', private_connect, namespace='/private')

    return finished
