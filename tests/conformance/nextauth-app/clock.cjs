// Preloaded with NODE_OPTIONS=--require by the probe: Date runs at real time plus an offset the probe
// moves (pages/api/probe-clock.js), so maxAge, updateAge and the 15 s clock tolerance can be crossed
// without waiting. next-auth and jose read the time only through Date.
const RealDate = Date;
let offset = 0;
globalThis.__probeClock = {
  advance(ms) {
    offset += ms;
  },
  get offset() {
    return offset;
  },
};
class ProbeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ProbeDate;
