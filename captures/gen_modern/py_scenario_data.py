"""Scenario data for the python-socketio capture (same values as
scenario_data.js, which the node scenarios use)."""

_words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur',
          'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor', 'incididunt']


def _long():
    s, i = '', 0
    while len(s) < 2000:
        s += _words[(i * 7) % len(_words)] + ('. ' if i % 11 == 10 else ' ')
        i += 1
    return s[:2000]


LONG = _long()
UNICODE = 'h\u00e9llo w\u00f6rld \u2713 \U0001F600'

# client -> server events on "/" (no ack): [name, *args]
CLIENT_EVENTS = [
    ['hello'],
    ['chat message', 'hello'],
    ['chat message', UNICODE],
    ['nested', {'user': {'name': 'ann', 'tags': ['a', 'b'], 'meta': {'depth': {'level': 3}}},
                'list': [[1, 2], [3, [4, 5]]]}],
    ['numbers', 42, 3.14159, -17, -0.5, 0, 1e21],
    ['flags', True, False, None],
    ['empty', {}, []],
    ['long', LONG],
    ['multi', 'a', 1, {'b': 2}, [3], None, 'quote " backslash \\ colon : tab \t newline \n end'],
]

# server -> client events on "/" (no ack)
SERVER_EVENTS = [
    ['server ping'],
    ['server says', UNICODE],
    ['mixed', {'nested': {'deep': [1, {'x': 'y'}]}}, [1, 2.5, -3], True, False, None, {}, []],
    ['long from server', LONG],
    ['numbers from server', -42, 6.02e23, 0.001],
]

UPLOAD = bytes([0, 1, 2, 255])
UPLOAD2_A = b'hello'
UPLOAD2_B = bytes([0xde, 0xad, 0xbe, 0xef])
FILE = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
CLIENT_FILE = bytes([0xca, 0xfe, 0xba, 0xbe, 0x00])
SERVER_BIN_A = bytes([1, 2, 3])
SERVER_BIN_B = bytes([0xff, 0xfe, 0x00, 0x80])
ADMIN_TOKEN = 'abc'
