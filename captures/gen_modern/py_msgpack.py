#!/usr/bin/python3
"""Run m5_python's server or client with python-socketio's MessagePack
serializer (m5_python_msgpack).

usage: py_msgpack.py py_server.py <port> <truth.jsonl>
       py_msgpack.py py_client.py <port> [args of py_client.py]

The scenario scripts are run unchanged (runpy, as __main__); before that,
every socketio.AsyncServer and socketio.AsyncClient they create gets
serializer='msgpack' (python-socketio 5.7's socketio.msgpack_packet.MsgPackPacket:
one MessagePack map {type, data, nsp[, id]} per Socket.IO packet, sent as one
binary Engine.IO message, bytes values inside the map, no attachments), and
the truth recorder decodes with that packet class
(py_truth.install(driver, serializer='msgpack')) and stamps the session id on
every line. Needs Debian's python3-msgpack (1.0.3).
"""
import os
import runpy
import sys

import py_truth
import socketio


def _with_msgpack(cls):
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('serializer', 'msgpack')
        init(self, *args, **kwargs)
    cls.__init__ = __init__


for _cls in (socketio.AsyncServer, socketio.AsyncClient):
    _with_msgpack(_cls)

_install = py_truth.install
py_truth.install = lambda driver, serializer='msgpack': _install(driver, serializer)
py_truth.STAMP_SID = True

if __name__ == '__main__':
    if len(sys.argv) < 3 or sys.argv[1] not in ('py_server.py', 'py_client.py'):
        sys.exit(__doc__)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), sys.argv[1])
    sys.argv = [script] + sys.argv[2:]
    runpy.run_path(script, run_name='__main__')
