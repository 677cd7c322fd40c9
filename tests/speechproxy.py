"""A stand-in for Google's speech service, at the network boundary of another process.

The publish script builds in a child process, where `responses` cannot reach. gTTS sends its requests
through the proxy named by `https_proxy` (and does not verify certificates), so this local proxy
accepts the CONNECT, speaks TLS with a certificate of its own, and answers each batchexecute request
with real speech from the offline engine. It counts the texts it was asked for, and refuses texts that
contain a marker with HTTP 403, as Google does when it blocks a client. Told to `trickle`, it answers
200 and then one byte every `trickle` seconds, as a stalled server does, until it is closed.
"""

from __future__ import annotations

import datetime
import json
import socketserver
import ssl
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from site_plugins.podcast.speech import EspeakEngine, Voice

from .test_speech import gtts_body


def self_signed(folder: Path, host: str = "translate.google.com") -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "proxy.pem", folder / "proxy.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class SpeechProxy:
    def __init__(self, folder: Path) -> None:
        self.asked: Counter[str] = Counter()
        self.refuse: set[str] = set()
        """Texts containing any of these are answered with HTTP 403."""
        self.lock = threading.Lock()
        self.trickle = 0.0
        """Seconds between the bytes of each answer; 0: the answer at once."""
        self.trickling = threading.Event()
        """Set once an answer has begun to trickle."""
        self.closed = threading.Event()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self_signed(folder))
        proxy = self

        class Tunnel(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline().decode("latin-1")
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                if not line.startswith("CONNECT "):
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                    return
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                secure = context.wrap_socket(self.connection, server_side=True)
                Answer(secure, self.client_address, self.server)
                secure.close()

        class Answer(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                rpc = json.loads(parse_qs(body)["f.req"][0])
                text, language = json.loads(rpc[0][0][1])[:2]
                status, reply = proxy.answer(text, language)
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                if proxy.trickle:
                    proxy.trickle_out(self.wfile, reply)
                else:
                    self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Tunnel)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, text: str, language: str) -> tuple[int, bytes]:
        with self.lock:
            self.asked[text] += 1
            refused = any(marker in text for marker in self.refuse)
        if refused:
            return 403, b"Forbidden"
        return 200, gtts_body(EspeakEngine().synthesize(text, Voice(language))).encode()

    def trickle_out(self, out, reply: bytes) -> None:
        self.trickling.set()
        for offset in range(len(reply)):
            out.write(reply[offset:offset + 1])
            out.flush()
            if self.closed.wait(self.trickle):
                return

    @property
    def requests(self) -> int:
        return sum(self.asked.values())

    @property
    def environ(self) -> dict[str, str]:
        """What a child process needs so that its gTTS requests come here."""
        address = f"http://127.0.0.1:{self.server.server_address[1]}"
        return {"https_proxy": address, "HTTPS_PROXY": address, "no_proxy": "", "NO_PROXY": ""}

    def __enter__(self) -> SpeechProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()
