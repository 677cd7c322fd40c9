"""A stand-in for the Anthropic Messages API on 127.0.0.1: the real SDK talks to it over HTTP (`base_url`).

It answers `POST /v1/messages` from a queue of replies, as JSON or, when the request asks to stream, as the
API's server-sent events (message_start, content_block_delta, message_delta, message_stop). It reports usage
the way the API does: the prompt up to the last `cache_control` breakpoint is a cached prefix when it holds at
least 1 024 tokens; the first request with that prefix writes it (`cache_creation_input_tokens`), later ones
read it (`cache_read_input_tokens`), and `input_tokens` counts the rest. Tokens are the project's documented
estimate (`prompt.estimated_tokens`). Each request is recorded, with the `request-id` it was given.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import anthropic

from site_plugins.podcast.drafting.prompt import estimated_tokens

MIN_CACHED = 1024


@dataclass
class Reply:
    text: str = ""
    stop_reason: str = "end_turn"
    status: int = 200
    error: dict | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class StandIn:
    url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    usages: list[dict] = field(default_factory=list)
    prefixes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, *replies: Reply | str | dict) -> StandIn:
        for reply in replies:
            text = json.dumps(reply, ensure_ascii=False) if isinstance(reply, dict) else reply
            self.replies.append(Reply(text) if isinstance(text, str) else text)
        return self

    def client(self, *, retries: int = 2) -> anthropic.Anthropic:
        return anthropic.Anthropic(api_key="test-key", base_url=self.url, max_retries=retries)

    def usage_of(self, body: dict) -> dict:
        """The usage the API reports for this request, by its cache rules."""
        parts, prefix_end = _parts(body)
        total = sum(estimated_tokens(p) for p in parts)
        if prefix_end is None:
            return {"input_tokens": total, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}
        prefix = "".join(parts[:prefix_end + 1])
        cached = sum(estimated_tokens(p) for p in parts[:prefix_end + 1])
        if cached < MIN_CACHED:
            return {"input_tokens": total, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}
        key = hashlib.sha256((body["model"] + prefix).encode()).hexdigest()
        with self.lock:
            seen = key in self.prefixes
            self.prefixes.add(key)
        return {"input_tokens": total - cached, "cache_read_input_tokens": cached if seen else 0,
                "cache_creation_input_tokens": 0 if seen else cached}


def _parts(body: dict) -> tuple[list[str], int | None]:
    """The prompt's text blocks in order (system, then each message's), and the index of the last one that
    carries a cache breakpoint."""
    blocks = list(body.get("system") or [])
    for message in body["messages"]:
        content = message["content"]
        blocks += [{"type": "text", "text": content}] if isinstance(content, str) else content
    texts = [b.get("text", "") if isinstance(b, dict) else str(b) for b in blocks]
    marked = [i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("cache_control")]
    return texts, (marked[-1] if marked else None)


def _handler(standin: StandIn):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            with standin.lock:
                standin.requests.append(body)
                number = len(standin.requests)
                reply = standin.replies.pop(0) if len(standin.replies) > 1 else standin.replies[0]
            if reply.status != 200:
                self._send(reply.status, {"type": "error", "error": reply.error}, reply.headers)
                return
            usage = standin.usage_of(body)
            standin.usages.append(usage)
            message = {"id": f"msg_{number}", "type": "message", "role": "assistant", "model": body["model"],
                       "content": [{"type": "text", "text": reply.text}], "stop_reason": reply.stop_reason,
                       "stop_sequence": None,
                       "usage": {**usage, "output_tokens": estimated_tokens(reply.text)}}
            if body.get("stream"):
                self._stream(message, number)
            else:
                self._send(200, message, {"request-id": f"req_{number:04d}"})

        def _send(self, status: int, data: dict, headers: dict) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            for name, value in {"content-type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _stream(self, message: dict, number: int) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("request-id", f"req_{number:04d}")
            self.end_headers()
            text, usage = message["content"][0]["text"], message["usage"]
            start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
            events = [("message_start", {"message": start}),
                      ("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})]
            events += [("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text[i:i + 200]}})
                       for i in range(0, len(text), 200)]
            events += [("content_block_stop", {"index": 0}),
                       ("message_delta", {"delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                                          "usage": {"output_tokens": usage["output_tokens"]}}),
                       ("message_stop", {})]
            for name, data in events:
                self.wfile.write(f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode())
            self.wfile.flush()

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def claude_standin() -> Iterator[StandIn]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    standin = StandIn(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(standin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
