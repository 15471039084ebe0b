#!/usr/bin/python3
"""Flask-SocketIO 5.x (Debian's python3-flask-socketio) scenario server on
gevent: async_mode='gevent', served by gevent's pywsgi.WSGIServer with
gevent-websocket's WebSocketHandler (what SocketIO.run() builds for gevent;
built here directly so that "listening on" is printed once the port is bound).

usage: py_flask_server.py <port> <truth.jsonl>

Same conversation and data as py_server.py (python-socketio AsyncServer), in
Flask-SocketIO's API: handlers take no sid (flask.request.sid), connect
handlers take the auth object, the query string is flask.request.args.
Records the ground truth (py_truth.py), checks what the client sends and exits
by itself once the client has disconnected.
"""
from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402
import threading  # noqa: E402

import gevent  # noqa: E402
from flask import Flask, request  # noqa: E402
from gevent import pywsgi  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402

import py_truth  # noqa: E402

py_truth.install('gevent')      # hooks engineio before the server exists

from flask_socketio import (SocketIO, ConnectionRefusedError,  # noqa: E402
                            disconnect)

import py_scenario_data as S  # noqa: E402

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


app = Flask(__name__)
socketio = SocketIO(app, async_mode='gevent', ping_interval=1, ping_timeout=2,
                    cors_allowed_origins='*')
finished = threading.Event()      # gevent's, after monkey.patch_all()

# ------------------------------------------------------------------ "/"
got_events = []


@socketio.on('connect')
def on_connect(auth):
    log('connected / as', request.sid, 'auth', auth)
    expect('auth on /', auth, {'token': S.ADMIN_TOKEN})


def make_handler(name):
    def handler(*args):
        got_events.append([name] + list(args))
        if len(got_events) == len(S.CLIENT_EVENTS):
            expect('client events', got_events, S.CLIENT_EVENTS)
            step('client events')
    return handler


for _name in dict.fromkeys(e[0] for e in S.CLIENT_EVENTS):
    socketio.on_event(_name, make_handler(_name))


@socketio.on('add')
def on_add(a, b):
    step('add')
    return a + b, 'sum'


@socketio.on('upload')
def on_upload(obj):
    expect('upload', obj, {'name': 'f', 'data': S.UPLOAD})
    step('upload')
    return 'got %d bytes' % len(obj['data'])


@socketio.on('upload2')
def on_upload2(a, obj):
    expect('upload2', [a, obj], [S.UPLOAD2_A, {'inner': S.UPLOAD2_B}])
    step('upload2')
    return 'got 2 buffers'


@socketio.on('getfile')
def on_getfile(name):
    expect('getfile name', name, 'f')
    step('getfile')
    return S.FILE, {'name': name}      # binary ack s2c


@socketio.on('ready')
def on_ready():
    step('ready')
    socketio.start_background_task(server_batch, request.sid)
    return None


def server_batch(sid):
    socketio.sleep(0.05)        # after the ack of "ready"
    for ev in S.SERVER_EVENTS:
        socketio.emit(ev[0], tuple(ev[1:]), to=sid)
    pending = {'n': 3}
    all_acked = threading.Event()

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

    socketio.emit('question', 'answer?', to=sid, callback=on_question)
    socketio.emit('need file', 'client.bin', to=sid, callback=on_need_file)
    socketio.emit('server binary', (S.SERVER_BIN_A, {'b': S.SERVER_BIN_B, 'n': 2}), to=sid,
                  callback=on_server_binary)
    if not all_acked.wait(10):
        fail('server batch: acks missing')
    socketio.sleep(0.25)
    socketio.emit('batch done', to=sid)


@socketio.on('disconnect')
def on_disconnect():
    log('/ disconnect')
    gevent.spawn_later(1.0, finished.set)


# ------------------------------------------------------------------ "/chat"
@socketio.on('connect', namespace='/chat')
def chat_connect(auth):
    q = request.args.to_dict(flat=False)
    log('connected /chat, query', q)
    expect('chat query room', q.get('room'), ['lobby'])
    step('chat query')
    sid = request.sid

    def welcome():          # after the CONNECT reply
        socketio.sleep(0.05)
        socketio.emit('chat welcome', ('lobby', 1), to=sid, namespace='/chat')
    socketio.start_background_task(welcome)


@socketio.on('join', namespace='/chat')
def chat_join(room):
    step('join')
    sid = request.sid

    def rate():
        socketio.sleep(0.05)

        def on_rate(stars):
            expect('rate ack', stars, 5)
            step('rate')
            socketio.start_background_task(socketio.emit, 'rated', 5, to=sid, namespace='/chat')
        socketio.emit('rate', 'how was it?', to=sid, namespace='/chat', callback=on_rate)
    socketio.start_background_task(rate)
    return True, {'room': room, 'members': 1}


@socketio.on('disconnect', namespace='/chat')
def chat_disconnect():
    log('/chat disconnect')


# ------------------------------------------------------------------ "/admin"
@socketio.on('connect', namespace='/admin')
def admin_connect(auth):
    expect('admin auth', auth, {'token': S.ADMIN_TOKEN})
    step('auth')


@socketio.on('whoami', namespace='/admin')
def admin_whoami():
    step('whoami')
    return {'token': S.ADMIN_TOKEN, 'admin': True}


@socketio.on('kick me', namespace='/admin')
def admin_kick():
    step('kicked')
    disconnect()     # server-side namespace disconnect (request.sid, /admin)


@socketio.on('disconnect', namespace='/admin')
def admin_disconnect():
    log('/admin disconnect')


# ------------------------------------------------------------------ "/private"
@socketio.on('connect', namespace='/private')
def private_connect(auth):
    step('private rejected')
    raise ConnectionRefusedError('not authorized')


# ------------------------------------------------------------------ main
def main():
    server = pywsgi.WSGIServer(('127.0.0.1', port), app, handler_class=WebSocketHandler,
                               log=None)
    server.start()
    log('listening on 127.0.0.1:%d' % port)
    if not finished.wait(25):
        fail('scenario did not finish within 25 s')
    for n in sorted(NEEDED - done):
        fail('step not done: ' + n)
    for p in py_truth.problems():
        fail('recorder: %r' % (p,))
    py_truth.write(truth_path)
    log('wrote %d truth records to %s' % (len(py_truth.records), truth_path))
    server.stop(timeout=1)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
