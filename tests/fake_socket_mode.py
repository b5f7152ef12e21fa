"""A local stand-in for Slack's Socket Mode endpoint: a real WebSocket server on port 0.

The fake Web API's apps.connections.open hands out its ws:// URL. Each
connection gets Slack's `hello`; the test pushes envelopes (shapes from
../shared/reference/slack/payloads/bolt-python-extracted/) and reads the acks.
It can also make the connection die the way networks do, without a close frame:
`cut()` drops the TCP connection, `go_silent()` keeps it open but answers
nothing (not even pings), like a peer behind a dead NAT.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("peer closed")
        data += chunk
    return data


def _frame(opcode: int, payload: bytes) -> bytes:
    """A server frame: final, unmasked."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload


def _read_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(sock, 2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", _read_exactly(sock, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _read_exactly(sock, 8))
    mask = _read_exactly(sock, 4) if second & 0x80 else b"\0\0\0\0"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(_read_exactly(sock, size)))
    return first & 0x0F, payload


@dataclass
class Connection:
    sock: socket.socket
    silent: threading.Event = field(default_factory=threading.Event)
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, opcode: int, payload: bytes) -> None:
        with self.send_lock:
            self.sock.sendall(_frame(opcode, payload))


@dataclass
class FakeSocketMode:
    url: str = ""
    acks: list[dict[str, Any]] = field(default_factory=list)
    pings: int = 0
    handshakes: int = 0
    connections: list[Connection] = field(default_factory=list)
    # While set, new connections are dropped before the handshake (Slack unreachable).
    refusing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socket.socket | None = None

    # -- test helpers ---------------------------------------------------------
    def current(self) -> Connection | None:
        with self.lock:
            return self.connections[-1] if self.connections else None

    def send(self, envelope: dict[str, Any]) -> None:
        connection = self.current()
        assert connection is not None, "the bot is not connected"
        connection.send(TEXT, json.dumps(envelope).encode())

    def ack_for(self, envelope_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((ack for ack in self.acks if ack.get("envelope_id") == envelope_id), None)

    def cut(self) -> None:
        """The TCP connection ends with no WebSocket close frame."""
        connection = self.current()
        assert connection is not None
        connection.sock.shutdown(socket.SHUT_RDWR)
        connection.sock.close()

    def go_silent(self) -> None:
        """The peer vanishes: the connection stays open, nothing is read or answered any more."""
        connection = self.current()
        assert connection is not None
        connection.silent.set()

    def reset(self) -> None:
        with self.lock:
            for connection in self.connections:
                connection.silent.set()
                try:
                    connection.sock.close()
                except OSError:
                    pass
            self.connections.clear()
            self.acks.clear()
            self.pings = 0
            self.handshakes = 0
            self.refusing = False

    # -- serving --------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        server = socket.create_server(("127.0.0.1", 0))
        self._server = server
        self.url = f"ws://127.0.0.1:{server.getsockname()[1]}/link/?ticket=fake"
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self.reset()
        if self._server is not None:
            self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._server.accept()  # type: ignore[union-attr]
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        if self.refusing:
            sock.close()
            return
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                request += chunk
            headers = dict(
                line.split(": ", 1) for line in request.decode("latin-1").split("\r\n")[1:] if ": " in line
            )
            key = {k.lower(): v for k, v in headers.items()}["sec-websocket-key"].strip()
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            sock.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
                ).encode()
            )
            connection = Connection(sock)
            with self.lock:
                self.connections.append(connection)
                self.handshakes += 1
            hello = {"type": "hello", "num_connections": 1, "debug_info": {"host": "fake", "approximate_connection_time": 18060}, "connection_info": {"app_id": "A0APP00001"}}
            connection.send(TEXT, json.dumps(hello).encode())
            self._read(connection)
        except (OSError, ConnectionError, KeyError, ValueError):
            pass

    def _read(self, connection: Connection) -> None:
        while True:
            opcode, payload = _read_frame(connection.sock)
            while connection.silent.is_set():  # a vanished peer reads nothing and answers nothing
                time.sleep(0.2)
                if connection.sock.fileno() < 0:
                    return
            if opcode == PING:
                with self.lock:
                    self.pings += 1
                connection.send(PONG, payload)
            elif opcode == TEXT:
                with self.lock:
                    self.acks.append(json.loads(payload))
            elif opcode == CLOSE:
                connection.send(CLOSE, payload[:2])
                connection.sock.close()
                return
