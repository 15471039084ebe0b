#!/usr/bin/python3
"""python-socketio 5.x (Debian's python3-socketio) scenario server on aiohttp.

usage: py_server.py <port> <truth.jsonl>

The scenario's handlers are in py_scenario_server.py (shared with
py_flask_server.py). Records the ground truth (py_truth.py), checks what the
client sends and exits by itself once the client has disconnected.
"""
import asyncio
import sys

import py_scenario_server as scenario
import py_server_base as B
import py_truth
import socketio
from aiohttp import web

py_truth.install('aiohttp')     # hooks engineio before the server exists

port = int(sys.argv[1])
truth_path = sys.argv[2]

sio = socketio.AsyncServer(async_mode='aiohttp', ping_interval=1, ping_timeout=2,
                           cors_allowed_origins='*')
app = web.Application()
sio.attach(app)
finished = scenario.register(scenario.OnAsyncServer(sio))


def the_end():
    B.check_steps(scenario.NEEDED)
    B.write_truth(truth_path)


if __name__ == '__main__':
    sys.exit(asyncio.run(B.serve_aiohttp(app, port, finished, the_end)))
