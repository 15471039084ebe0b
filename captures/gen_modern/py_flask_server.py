#!/usr/bin/python3
"""Flask-SocketIO 5.x (Debian's python3-flask-socketio) scenario server on
gevent: async_mode='gevent', served by gevent's pywsgi.WSGIServer with
gevent-websocket's WebSocketHandler (what SocketIO.run() builds for gevent;
built here directly so that "listening on" is printed once the port is bound).

usage: py_flask_server.py <port> <truth.jsonl>

Same conversation and data as py_server.py (python-socketio AsyncServer): the
handlers of py_scenario_server.py, registered through its OnFlaskSocketIO
adapter (Flask-SocketIO's handlers take no sid, flask.request.sid; connect
handlers take the auth object; the server calls are socketio.emit,
socketio.sleep, socketio.start_background_task and flask_socketio.disconnect).
Records the ground truth (py_truth.py), checks what the client sends and exits
by itself once the client has disconnected.
"""
from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from flask import Flask  # noqa: E402
from gevent import pywsgi  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402

import py_truth  # noqa: E402

py_truth.install('gevent')      # hooks engineio before the server exists

from flask_socketio import SocketIO  # noqa: E402

import py_server_base as B  # noqa: E402
import py_scenario_server as scenario  # noqa: E402

port = int(sys.argv[1])
truth_path = sys.argv[2]

app = Flask(__name__)
socketio = SocketIO(app, async_mode='gevent', ping_interval=1, ping_timeout=2,
                    cors_allowed_origins='*')
finished = scenario.register(scenario.OnFlaskSocketIO(socketio))   # gevent's Event


def main():
    server = pywsgi.WSGIServer(('127.0.0.1', port), app, handler_class=WebSocketHandler,
                               log=None)
    server.start()
    B.listening(port)
    if not finished.wait(25):
        B.timed_out(25)
    B.check_steps(scenario.NEEDED)
    B.write_truth(truth_path)
    server.stop(timeout=1)
    return B.status()


if __name__ == '__main__':
    sys.exit(main())
