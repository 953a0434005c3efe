// A small HTTPS app speaking only HTTP/2 (node's built-in `http2` module, no package), for the HTTP/2
// HAR capture of tests/conformance/har_h2.py (issue 20). Usage: node server.mjs CERT.pem KEY.pem
// It listens on 127.0.0.1 at a free port and prints `listening PORT` on stdout; it stops on stdin's end.
//
//   GET  /          the home page with the sign-in form; without a session, starts an anonymous one:
//                   `sessionId` (HttpOnly, Secure, SameSite=Lax, no Max-Age) and `visit` (Path only)
//   POST /login     302 → /account with three Set-Cookie in one response: a new `sessionId` (rotated at
//                   sign-in; Max-Age 600), `csrf` (Secure, SameSite=Strict) and `theme` (Max-Age 3600)
//   GET  /account   the account page; its script fetches /api/me
//   GET  /api/me    renews `sessionId` (the same value, Max-Age 900): JSON
//   POST /logout    303 → / deleting `sessionId` (Max-Age=0) and `csrf` (an Expires in the past)
import http2 from "node:http2";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

const [cert, key] = process.argv.slice(2);
const server = http2.createSecureServer({ cert: readFileSync(cert), key: readFileSync(key), allowHTTP1: false });

function cookies(headers) {
  // RFC 9113 §8.2.3: a client may split the Cookie header into several header fields
  const raw = headers["cookie"];
  const joined = Array.isArray(raw) ? raw.join("; ") : raw || "";
  return Object.fromEntries(
    joined.split(";").map((c) => c.trim()).filter(Boolean).map((c) => [c.split("=")[0], c.slice(c.indexOf("=") + 1)]),
  );
}

const page = (title, body) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

server.on("stream", (stream, headers) => {
  const method = headers[":method"];
  const path = headers[":path"];
  const jar = cookies(headers);
  const html = { ":status": 200, "content-type": "text/html; charset=utf-8" };
  const session = (value, age) =>
    `sessionId=${value}; Path=/${age ? `; Max-Age=${age}` : ""}; HttpOnly; Secure; SameSite=Lax`;
  if (method === "GET" && path === "/") {
    const fresh = jar.sessionId ? [] : [session(randomBytes(16).toString("hex")), "visit=1; Path=/"];
    stream.respond({ ...html, ...(fresh.length ? { "set-cookie": fresh } : {}) });
    const form = `<form method="post" action="/login"><input name="user" value="alice"><button>sign in</button></form>`;
    stream.end(page("home", `<h1>home</h1>${form}`));
  } else if (method === "POST" && path === "/login") {
    stream.resume();
    stream.on("end", () => {
      stream.respond({
        ":status": 302,
        location: "/account",
        "set-cookie": [
          session(randomBytes(16).toString("hex"), 600),
          `csrf=${randomBytes(8).toString("hex")}; Path=/; Secure; SameSite=Strict`,
          "theme=dark; Path=/; Max-Age=3600",
        ],
      });
      stream.end();
    });
  } else if (method === "GET" && path === "/account") {
    const me = "<script>fetch('/api/me').then(r => r.json()).then(j => { document.title = 'me ' + j.user })</script>";
    stream.respond(html);
    stream.end(page("account", `<h1>account</h1><form method="post" action="/logout"><button>sign out</button></form>${me}`));
  } else if (method === "GET" && path === "/api/me") {
    const extra = jar.sessionId ? { "set-cookie": [session(jar.sessionId, 900)] } : {};
    stream.respond({ ":status": 200, "content-type": "application/json", "cache-control": "no-store", ...extra });
    stream.end(JSON.stringify({ user: jar.sessionId ? "alice" : null }));
  } else if (method === "POST" && path === "/logout") {
    stream.resume();
    stream.on("end", () => {
      stream.respond({
        ":status": 303,
        location: "/",
        "set-cookie": [session("", "0"), "csrf=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
      });
      stream.end();
    });
  } else {
    stream.respond({ ":status": 404, "content-type": "text/plain" });
    stream.end("not found");
  }
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => server.close(() => process.exit(0)));
process.stdin.on("close", () => process.exit(0));
