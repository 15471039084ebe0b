"""Synthetic pcap files for tests that need inputs no real peer sends (hostile sizes, counts and depths).

These are test fixtures written here, not traffic: they are never kept in captures/. Each TCP connection
is raw IPv4 (link type 101) with consistent sequence numbers, so tshark reassembles it as usual."""

import struct

LINKTYPE_RAW = 101
MAX_SEGMENT = 32000


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_RAW))
        self.usec = 0
        self.frames = 0

    def close(self):
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def frame(self, data, step_usec=1000):
        self.usec += step_usec
        self.f.write(struct.pack("<IIII", 1700000000 + self.usec // 1000000, self.usec % 1000000, len(data),
                                 len(data)))
        self.f.write(data)
        self.frames += 1

    def tcp(self, client_port, server_port=18499):
        return Tcp(self, client_port, server_port)


class Tcp:
    """One TCP connection, 10.0.0.1:client_port -> 10.0.0.2:server_port."""

    def __init__(self, pcap, client_port, server_port):
        self.pcap = pcap
        self.ports = (client_port, server_port)
        self.seq = [1000, 50000]

    def send(self, from_client, payload, step_usec=1000):
        """Sends payload in segments of at most MAX_SEGMENT bytes; returns the frame count written."""
        n = 0
        for i in range(0, max(len(payload), 1), MAX_SEGMENT):
            self._segment(from_client, payload[i:i + MAX_SEGMENT], step_usec)
            n += 1
        return n

    def _segment(self, from_client, data, step_usec):
        s, d = (0, 1) if from_client else (1, 0)
        src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if from_client else (b"\x0a\x00\x00\x02",
                                                                                 b"\x0a\x00\x00\x01")
        tcp = struct.pack(">HHIIBBHHH", self.ports[s], self.ports[d], self.seq[s], self.seq[d], 5 << 4, 0x18,
                          65535, 0, 0)
        self.seq[s] = (self.seq[s] + len(data)) & 0xFFFFFFFF
        total = 20 + len(tcp) + len(data)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
        self.pcap.frame(ip + tcp + data, step_usec)


def ws_frame(payload, binary=False, masked=False):
    """One final WebSocket frame (text or binary)."""
    head = bytes([0x82 if binary else 0x81])
    mask = 0x80 if masked else 0
    n = len(payload)
    if n < 126:
        head += bytes([mask | n])
    elif n < 65536:
        head += bytes([mask | 126]) + struct.pack(">H", n)
    else:
        head += bytes([mask | 127]) + struct.pack(">Q", n)
    if masked:
        head += b"\x00\x00\x00\x00"  # a zero key leaves the payload as it is
    return head + payload


def websocket(pcap, client_port, uri="/socket.io/?EIO=4&transport=websocket"):
    """A connection upgraded to WebSocket at `uri`; returns the Tcp to send frames on."""
    c = pcap.tcp(client_port)
    c.send(True, ("GET %s HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" % uri).encode())
    c.send(False, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    return c


def polling(conn, uri, body, content_type=b"text/plain; charset=UTF-8"):
    """A polling GET on a keep-alive connection and its answer carrying `body`."""
    conn.send(True, b"GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % uri.encode())
    conn.send(False, b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (content_type, len(body))
              + body)
