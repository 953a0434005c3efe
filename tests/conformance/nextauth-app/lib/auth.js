// The next-auth options the conformance probe signs in with (tests/conformance/nextauth_suite.py).
// Environment: PROBE_STRATEGY=jwt|database, PROBE_MAX_AGE and PROBE_UPDATE_AGE in seconds.
import { randomUUID } from "node:crypto";
import CredentialsProvider from "next-auth/providers/credentials";
import { memoryAdapter } from "./memory-adapter";

const strategy = process.env.PROBE_STRATEGY === "database" ? "database" : "jwt";
const maxAge = Number(process.env.PROBE_MAX_AGE || 30 * 24 * 60 * 60);
const updateAge = Number(process.env.PROBE_UPDATE_AGE || 24 * 60 * 60);

// alice: a short session; big: a name long enough that the JWT needs more than one cookie (chunks).
const USERS = {
  alice: { id: "1", name: "alice", password: "wonderland" },
  big: { id: "2", name: "big-" + "x".repeat(5000), password: "builder" },
};

const adapter = strategy === "database" ? memoryAdapter() : undefined;

const providers = [
  CredentialsProvider({
    name: "Password",
    credentials: { username: { type: "text" }, password: { type: "password" } },
    async authorize(credentials) {
      const user = USERS[credentials?.username];
      if (!user || user.password !== credentials?.password) return null;
      return { id: user.id, name: user.name };
    },
  }),
];

if (strategy === "database") {
  // next-auth 4 refuses Credentials when it is the only provider of a database strategy
  // (core/lib/assert.js, UnsupportedStrategy). A provider nobody uses lifts that check; the
  // credentials callback then stores a database session through jwt.encode below.
  providers.push({
    id: "unused",
    name: "Unused",
    type: "oauth",
    authorization: "http://127.0.0.1:9/authorize",
    token: "http://127.0.0.1:9/token",
    userinfo: "http://127.0.0.1:9/userinfo",
    clientId: "unused",
    clientSecret: "unused",
    profile: (p) => ({ id: p.sub }),
  });
}

export const authOptions = {
  secret: "session-tutor-probe-secret-0123456789abcdef",
  session: { strategy, maxAge, updateAge },
  adapter,
  providers,
  jwt:
    strategy === "database"
      ? {
          // The credentials callback (core/routes/callback.js) always sets jwt.encode's result as the
          // session cookie, with expires = now + maxAge. Here that result is a database session's token,
          // as the common "credentials with database sessions" recipe does.
          async encode({ token }) {
            const sessionToken = randomUUID();
            await adapter.createSession({
              sessionToken,
              userId: token.sub,
              expires: new Date(Date.now() + maxAge * 1000),
            });
            return sessionToken;
          },
          async decode() {
            return null;
          },
        }
      : undefined,
};
