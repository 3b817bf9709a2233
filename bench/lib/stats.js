'use strict';
/** Shared helpers of the summaries: medians over good runs, number formats and the target judgement. */

const NOISE = 0.1; // ground rule: gate on the median ratio with about a 10% noise band

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const okRuns = (runs) => (runs || []).filter((r) => r.ok);
const med = (runs, field) => median(okRuns(runs).map((r) => r[field]));

function fmtInt(x) {
  return x === null || x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US');
}
function fmt(x, d = 1) {
  return x === null || x === undefined ? 'n/a' : x.toFixed(d);
}
function fmtRatio(x) {
  return x === null || x === undefined ? 'n/a' : `${x.toFixed(2)}×`;
}

/** met? for "higher is better" ratio targets and "at most" absolute targets. */
function judge(value, target, higherIsBetter) {
  if (value === null || value === undefined) return 'not measured';
  if (higherIsBetter ? value >= target : value <= target) return 'yes';
  const near = higherIsBetter ? value >= target * (1 - NOISE) : value <= target * (1 + NOISE);
  return near ? 'no (within 10% noise band)' : 'no';
}

/** A missed target: "no" or "no (within ...)". */
const missed = (row) => row.met === 'no' || String(row.met).startsWith('no (');

function whyMissing(runs, fallback) {
  const bad = (runs || []).find((r) => !r.ok);
  const why = String(bad ? bad.error : fallback);
  return why.length > 90 ? `${why.slice(0, 87)}...` : why;
}

/** CPU seconds per million rows (= µs per row) of a CPU field, over all good runs that have it. */
function perMillionRows(runs, field) {
  const good = okRuns(runs).filter((r) => typeof r[field] === 'number');
  const rowsSum = good.reduce((a, r) => a + r.rows, 0);
  return rowsSum ? (good.reduce((a, r) => a + r[field], 0) / rowsSum) * 1e6 : null;
}

module.exports = { NOISE, median, okRuns, med, fmtInt, fmt, fmtRatio, judge, missed, whyMissing, perMillionRows };
