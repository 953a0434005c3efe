// A small in-memory next-auth adapter: enough for database sessions (users are the probe's two).
// The maps live on globalThis: Next.js bundles lib/ into each route separately (the API route and the
// dashboard page), and all of them must see one session table.
export function memoryAdapter() {
  globalThis.__probeStore ??= {
    users: new Map([
      ["1", { id: "1", name: "alice", email: null, emailVerified: null }],
      ["2", { id: "2", name: "big-" + "x".repeat(5000), email: null, emailVerified: null }],
    ]),
    sessions: new Map(),
  };
  const { users, sessions } = globalThis.__probeStore;
  return {
    async createUser(user) {
      const id = String(users.size + 1);
      users.set(id, { ...user, id });
      return users.get(id);
    },
    async getUser(id) {
      return users.get(id) ?? null;
    },
    async getUserByEmail() {
      return null;
    },
    async getUserByAccount() {
      return null;
    },
    async updateUser(user) {
      users.set(user.id, { ...users.get(user.id), ...user });
      return users.get(user.id);
    },
    async linkAccount(account) {
      return account;
    },
    async createSession(session) {
      sessions.set(session.sessionToken, { ...session });
      return session;
    },
    async getSessionAndUser(sessionToken) {
      const session = sessions.get(sessionToken);
      if (!session) return null;
      return { session: { ...session }, user: users.get(session.userId) };
    },
    async updateSession(update) {
      const session = sessions.get(update.sessionToken);
      if (!session) return null;
      Object.assign(session, update);
      globalThis.__probeSessionWrites = (globalThis.__probeSessionWrites ?? 0) + 1;
      return { ...session };
    },
    async deleteSession(sessionToken) {
      const session = sessions.get(sessionToken) ?? null;
      sessions.delete(sessionToken);
      return session;
    },
  };
}
