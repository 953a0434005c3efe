// The probe's clock: POST ?advance=SECONDS moves this server's Date forward (see clock.cjs).
export default function handler(req, res) {
  const clock = globalThis.__probeClock;
  if (!clock) return res.status(404).end();
  if (req.method === "POST") clock.advance(Number(req.query.advance || 0) * 1000);
  const rows = globalThis.__probeStore?.sessions.size ?? 0;
  res.status(200).json({ now: Date.now(), offset: clock.offset, writes: globalThis.__probeSessionWrites ?? 0, rows });
}
