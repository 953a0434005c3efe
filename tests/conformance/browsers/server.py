"""The local test server of the real-browser suite: one HTTPS server for both sites (a self-signed
certificate made at run time with ``cryptography``, names ``site-a.test`` and ``site-b.test``) and one plain
http server, both on 127.0.0.1 with ports the system picks. The browser maps the two names to 127.0.0.1
(chromium: ``--host-resolver-rules``; firefox: ``network.dns.localDomains``), so site-b.test → site-a.test is
a real cross-site request.

Pages: ``/set``, ``/set2`` (https) and ``/set-http`` (http) answer with the matrix's ``Set-Cookie`` headers;
``/echo?k=KIND`` logs the ``Cookie`` header it received under KIND; ``/go?k=&m=&t=`` submits a form (GET or
POST) to the URL ``t``; ``/redirect?t=`` answers 302 to ``t``; ``/embed?k=&what=img|fetch|iframe&t=`` loads ``t`` as a subresource.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import json
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import matrix

#: what a page that loaded ``/embed`` is once its subresource finished (``page.wait_for_function``)
EMBED_DONE = "document.documentElement.dataset.done === '1'"
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def make_certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for both names: (cert file, key file, base64 SHA-256 of its public key,
    the form chromium's ``--ignore-certificate-errors-spki-list`` takes)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, matrix.SITE_A)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(matrix.SITE_A), x509.DNSName(matrix.SITE_B)]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert_file, key_file, base64.b64encode(hashlib.sha256(spki).digest()).decode()


class CannotStart(Exception):
    """The browser could not be launched (its tests skip with this message)."""


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that closes a connection early (a page navigated away) is no error of the suite


class TestSites:
    """Both servers, running in threads; ``sent[KIND]`` is the ``Cookie`` header ``/echo?k=KIND`` got."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="browsers-suite-"))
        cert, key, self.spki = make_certificate(self.folder)
        self.sent: dict[str, str] = {}
        self._lock = threading.Condition()
        handler = self._handler()
        self.https = _Quiet(("127.0.0.1", 0), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.https.socket = context.wrap_socket(self.https.socket, server_side=True)
        self.http = _Quiet(("127.0.0.1", 0), handler)
        self._threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.https, self.http)]
        for t in self._threads:
            t.start()

    def url(self, site: str, path: str, scheme: str = "https") -> str:
        port = (self.https if scheme == "https" else self.http).server_address[1]
        return f"{scheme}://{site}:{port}{path}"

    def wait_for(self, kind: str, timeout: float = 20.0) -> str | None:
        """The ``Cookie`` header of ``/echo?k=KIND`` (``None``: no such request came in time)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while kind not in self.sent and time.monotonic() < deadline:
                self._lock.wait(0.1)
            return self.sent.get(kind)

    def close(self) -> None:
        for s in (self.https, self.http):
            s.shutdown()
            s.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sites = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's spelling
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                headers: list[str] = []
                body, ctype = b"<!doctype html><title>ok</title><p>ok", "text/html"
                if url.path == "/redirect":  # a 302 to ``t`` (the HAR recorder's redirect chain)
                    self.send_response(302)
                    self.send_header("Location", q["t"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if url.path in ("/set", "/set2", "/set-http"):
                    headers = matrix.headers_for({"/set": "set", "/set2": "set2", "/set-http": "http"}[url.path])
                elif url.path == "/echo":
                    with sites._lock:
                        sites.sent.setdefault(q.get("k", ""), self.headers.get("Cookie", ""))
                        sites._lock.notify_all()
                    if q.get("what") == "img":
                        body, ctype = GIF, "image/gif"
                elif url.path == "/go":
                    t = html.escape(q["t"])
                    if q["m"] == "post":  # a form POST; a GET is a script navigation (a GET form would drop the query)
                        body = (
                            f'<!doctype html><form method="post" action="{t}">'
                            '<input type="hidden" name="x" value="1"></form>'
                            "<script>document.forms[0].submit()</script>"
                        ).encode()
                    else:
                        body = f'<!doctype html><a href="{t}">go</a><script>location.href = document.links[0].href</script>'.encode()
                elif url.path == "/embed":
                    # the page marks itself done (``<html data-done>``, :data:`EMBED_DONE`) once its subresource
                    # finished, loaded or failed, so a recorder waits for that before the next navigation, which
                    # would abort the request. The fetch's body is read: measured in Chromium 156, a fetch whose
                    # body the page never reads stays unfinished in DevTools' view, and the next goto ended it
                    # with net::ERR_ABORTED every time (on a loaded machine before its Cookie header was seen)
                    t, what = html.escape(q["t"]), q["what"]
                    js = json.dumps(q["t"]).replace("</", "<\\/")  # a JS string (in a script, &amp; is no entity)
                    tag = {
                        "img": f'<img src="{t}" onload="done()" onerror="done()">',
                        "iframe": f'<iframe src="{t}" onload="done()"></iframe>',
                        "fetch": f'<script>fetch({js}, {{credentials: "include", mode: "no-cors"}})'
                        ".then(r => r.arrayBuffer()).catch(() => null).then(done)</script>",
                    }[what]
                    done = "<script>function done() { document.documentElement.dataset.done = '1' }</script>"
                    body = f"<!doctype html>{done}{tag}".encode()
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Cache-Control", "no-store")
                for h in headers:
                    self.send_header("Set-Cookie", h)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def launcher(sites: TestSites, kind: matrix.RequestKind, tag: str | None = None) -> str:
    """The URL the browser opens to make a request of ``kind`` (the echo is tagged ``tag or kind.name``)."""
    from urllib.parse import quote

    tag = tag or kind.name
    page_site = matrix.SITE_B if kind.cross_site else matrix.SITE_A
    target = sites.url(matrix.SITE_A, f"/echo?k={quote(tag)}&what={kind.what}", kind.scheme)
    if kind.what == "address":
        return target
    if kind.what in ("get", "post"):
        return sites.url(page_site, f"/go?m={kind.method.lower()}&t={quote(target, safe='')}")
    return sites.url(page_site, f"/embed?what={kind.what}&t={quote(target, safe='')}")
