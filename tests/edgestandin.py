"""A stand-in for Microsoft Edge's speech service on 127.0.0.1, speaking edge-tts's websocket protocol.

Only the package's addresses change (`use()`: edge_tts.communicate.WSS_URL, which Communicate appends its
connection id and token to, and edge_tts.voices.VOICE_LIST), so requests go through the real edge-tts and aiohttp
code, over plain ws:// and http:// (edge-tts hands aiohttp its TLS context, which aiohttp uses for wss only).
For each request it reads the `speech.config` and `ssml` messages and answers as Edge does: `Path:turn.start`,
binary `Path:audio` messages with real MP3 frames (eSpeak NG speech encoded by LAME at 48 kbit/s, 24 kHz mono,
Edge's `audio-24khz-48kbitrate-mono-mp3`), then `Path:turn.end`.

It records each request (voice, rate, pitch, text), how many run at once, and can be told to fail as Edge does:
HTTP 403 or 503 on the handshake, a connection reset (on the handshake; after the text when it waits for a
marker), or a close without audio ("no audio"), for the next N connections or (reset, no audio) for texts
holding a marker; and to take `delay` seconds per request, or to `trickle`: answer with one small audio message every
`trickle` seconds until it is closed, as a stalled service does.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from xml.sax.saxutils import unescape

import lameenc
from aiohttp import WSMsgType, web

from site_plugins.podcast.speech import EspeakEngine, Voice
from site_plugins.podcast.speech.edge import edge_voices

PATH = "/consumer/speech/synthesize/readaloud"
TOKEN = "6A5AA1D4EAFF4E9FB37E23D68491D6F4"
HANDSHAKE_FAILURES = ("403", "503")
SPEECH_FAILURES = ("reset", "no audio")
_SSML = re.compile(r"<voice name='(?P<name>[^']*)'><prosody pitch='(?P<pitch>[^']*)' rate='(?P<rate>[^']*)' "
                   r"volume='[^']*'>(?P<text>.*)</prosody></voice>", re.S)
_LONG_NAME = re.compile(r"Microsoft Server Speech Text to Speech Voice \((?P<locale>.+), (?P<name>[^,]+)\)")


@dataclass(frozen=True)
class Request:
    voice: str
    """The ShortName, as the client named it (zh-CN-XiaoxiaoNeural)."""
    rate: str
    pitch: str
    text: str


@dataclass
class _Failure:
    kind: str
    left: float
    marker: str | None


def espeak_mp3(text: str, voice: str) -> bytes:
    """Real speech for `voice` (a ShortName): eSpeak NG's female or male variant of its locale, encoded as Edge's
    stream is (MPEG-2 Layer III, 24 kHz, mono, 48 kbit/s)."""
    found = next((v for v in edge_voices() if v["ShortName"] == voice), {"Locale": "en-US", "Gender": "Female"})
    pcm, rate = EspeakEngine().pcm(text, Voice(found["Locale"], variant=0 if found["Gender"] == "Female" else 1))
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(48)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(24000)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


class EdgeStandIn:
    def __init__(self, *, speak: Callable[[str, str], bytes] = espeak_mp3, voices: list[dict] | None = None) -> None:
        self.requests: list[Request] = []
        self.connections = 0
        """Handshakes attempted, failed ones included."""
        self.active = self.most_at_once = 0
        self.delay = 0.0
        """Seconds each request waits before it answers; math.inf: until the stand-in closes."""
        self.trickle = 0.0
        """Seconds between the audio messages of an answer that never ends; 0: answers end."""
        self.gate = 0
        """Requests wait until this many run at once (or 5 s pass), so that a limit is reached, not raced."""
        self.voices = voices if voices is not None else [dict(v) for v in edge_voices()]
        self._speak = speak
        self._failures: list[_Failure] = []
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._closing: asyncio.Event | None = None
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._ready = threading.Event()

    # --- what tests ask ---------------------------------------------------------------
    def fail(self, kind: str, *, times: float = math.inf, marker: str | None = None) -> None:
        """Fail the next `times` connections (every one by default) with `kind`, or (reset, no audio) only those
        whose text holds `marker`."""
        if kind not in (*HANDSHAKE_FAILURES, *SPEECH_FAILURES):
            raise ValueError(f"unknown failure {kind!r}")
        if marker is not None and kind in HANDSHAKE_FAILURES:
            raise ValueError("a handshake failure cannot depend on the text, which comes after the handshake")
        with self._changed:
            self._failures.append(_Failure(kind, times, marker))

    def heal(self) -> None:
        with self._changed:
            self._failures.clear()

    def wait_until(self, condition: Callable[[EdgeStandIn], bool], timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), timeout)

    @property
    def wss_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{PATH}/edge/v1?TrustedClientToken={TOKEN}"

    @property
    def voice_list_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}/voices/list?trustedclienttoken={TOKEN}"

    @contextmanager
    def use(self) -> Iterator[EdgeStandIn]:
        """Point edge-tts at the stand-in (and nothing else), restoring its addresses and clock after."""
        import edge_tts.communicate
        import edge_tts.voices
        from edge_tts.drm import DRM

        saved = (edge_tts.communicate.WSS_URL, edge_tts.voices.VOICE_LIST, DRM.clock_skew_seconds)
        proxies = {name: os.environ.get(name) for name in ("no_proxy", "NO_PROXY")}
        edge_tts.communicate.WSS_URL, edge_tts.voices.VOICE_LIST = self.wss_url, self.voice_list_url
        os.environ.update(dict.fromkeys(proxies, "127.0.0.1"))  # edge-tts trusts the environment's proxies
        try:
            yield self
        finally:
            edge_tts.communicate.WSS_URL, edge_tts.voices.VOICE_LIST, DRM.clock_skew_seconds = saved
            for name, value in proxies.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    # --- the server -----------------------------------------------------------------
    def __enter__(self) -> EdgeStandIn:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        async def stop() -> None:
            self._closing.set()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(20)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(20)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get(f"{PATH}/edge/v1", self._speech)
        app.router.add_get(f"{PATH}/voices/list", self._voice_list)
        self._runner = web.AppRunner(app, shutdown_timeout=5)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.SockSite(self._runner, self._socket).start())
        self._closing = asyncio.Event()
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def _take(self, stage: str, text: str = "") -> str:
        """The failure due at `stage` (`handshake`, or `speech` once the text is known), counted; '' for none."""
        with self._changed:
            for failure in self._failures:
                at_handshake = failure.kind in HANDSHAKE_FAILURES or (failure.kind, failure.marker) == ("reset", None)
                due = "handshake" if at_handshake else "speech"
                if due == stage and failure.left > 0 and (failure.marker is None or failure.marker in text):
                    failure.left -= 1
                    return failure.kind
        return ""

    def _count(self, change: int) -> None:
        with self._changed:
            self.active += change
            self.most_at_once = max(self.most_at_once, self.active)
            self._changed.notify_all()

    async def _voice_list(self, request: web.Request) -> web.StreamResponse:
        failure = self._take("handshake")
        if failure == "reset":
            _reset(request)
        if failure:
            return web.Response(status=int(failure) if failure in HANDSHAKE_FAILURES else 200)
        return web.json_response(self.voices)

    async def _speech(self, request: web.Request) -> web.StreamResponse:
        with self._changed:
            self.connections += 1
            self._changed.notify_all()
        failure = self._take("handshake")
        if failure == "reset":
            _reset(request)
            return web.Response()
        if failure:
            return web.Response(status=int(failure), text="refused by the stand-in")
        if not {"TrustedClientToken", "ConnectionId", "Sec-MS-GEC"} <= set(request.query):
            return web.Response(status=400, text="the token or connection id is missing")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._count(+1)
        try:
            await self._converse(request, ws)
        finally:
            self._count(-1)
        return ws

    async def _converse(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        asked = await _read_ssml(ws)
        if asked is None:
            return
        with self._changed:
            self.requests.append(asked)
            self._changed.notify_all()
        failure = self._take("speech", asked.text)
        await self._hold()
        if self._closing.is_set():
            return
        if failure == "reset":
            _reset(request)
            return
        if self.trickle:
            await self._trickle(ws)
        elif failure != "no audio":
            audio = await asyncio.get_running_loop().run_in_executor(None, self._speak, asked.text, asked.voice)
            await _answer(ws, audio)
        await ws.close()

    async def _trickle(self, ws: web.WebSocketResponse) -> None:
        request_id = uuid.uuid4().hex
        await ws.send_str(f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
                          'Path:turn.start\r\n\r\n{"context":{"serviceTag":"stand-in"}}')
        header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nX-StreamId:{request_id}\r\nPath:audio\r\n"
        while not self._closing.is_set() and not ws.closed:
            with suppress(ConnectionError):  # the client gave up
                await ws.send_bytes(struct.pack(">H", len(header)) + header.encode() + b"\xff")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.trickle)

    async def _hold(self) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + 5
        while self.gate and self.active < self.gate and loop.time() < until and not self._closing.is_set():
            await asyncio.sleep(0.01)
        if self.delay:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), None if math.isinf(self.delay) else self.delay)


def _reset(request: web.Request) -> None:
    """Drop the connection as a failing service does: a TCP reset, not a close."""
    sock = request.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    request.transport.abort()


async def _read_ssml(ws: web.WebSocketResponse) -> Request | None:
    """The request's voice, prosody and text, from the messages edge-tts sends (speech.config, then ssml)."""
    async for message in ws:
        if message.type != WSMsgType.TEXT or "Path:ssml" not in message.data:
            continue
        found = _SSML.search(message.data)
        named = _LONG_NAME.fullmatch(found["name"])
        return Request(f"{named['locale']}-{named['name']}", found["rate"], found["pitch"], unescape(found["text"]))
    return None


async def _answer(ws: web.WebSocketResponse, audio: bytes) -> None:
    request_id = uuid.uuid4().hex
    json_header = f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
    await ws.send_str(json_header + 'Path:turn.start\r\n\r\n{"context":{"serviceTag":"stand-in"}}')
    header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nX-StreamId:{request_id}\r\nPath:audio\r\n"
    for offset in range(0, len(audio), 4096):
        await ws.send_bytes(struct.pack(">H", len(header)) + header.encode() + audio[offset:offset + 4096])
    await ws.send_str(json_header + "Path:turn.end\r\n\r\n{}")
