'use strict';
/** The shape of one measured Postgres run (CDC, snapshot, sink), shared by the scenarios and their summaries. */

/** Shared shape of a measured run; `pgCpuS` is the whole server (the walsender, or the backend doing the work). */
function figures({ rows, txns, wallS, clientCpuS, clientMainCpuS, pgCpuS, boxBusy, ncpu, ...extra }) {
  const clientCores = clientCpuS !== null ? clientCpuS / wallS : null;
  const pgCores = pgCpuS !== null ? pgCpuS / wallS : null;
  return {
    ok: true,
    rows,
    txns,
    wallS,
    rate: rows / wallS,
    txnRate: txns / wallS,
    clientCpuS,
    clientMainCpuS,
    clientCores,
    clientMainCores: clientMainCpuS !== null ? clientMainCpuS / wallS : null,
    pgCpuS,
    pgCores,
    boxBusy,
    otherCores: boxBusy !== null ? Math.max(0, boxBusy * ncpu - (clientCores || 0) - (pgCores || 0)) : null,
    ...extra,
  };
}

/** Share of all vCPUs busy between two proc.boxCpu() samples. */
const boxShare = (a, b) => (b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : null);

module.exports = { figures, boxShare };
