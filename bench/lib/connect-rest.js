'use strict';
// The Connect REST calls the Postgres benchmarks make against their worker: create, watch and delete one connector.
// Failures the worker reports are marked `unavailable`, so that the bench records why a scenario could not run
// instead of retrying it.

async function rest(port, method, urlPath, body) {
  const r = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, json, text };
}

/** The connector cannot run here (unknown class, rejected config, FAILED): not worth retrying in later runs. */
function unavailable(message) {
  const err = new Error(message);
  err.unavailable = true;
  return err;
}

/** A FAILED connector or task as an error text, or null. */
function failure(status) {
  const first = (trace) => String(trace || '').split('\n')[0];
  if (status?.connector?.state === 'FAILED') return `connector FAILED: ${first(status.connector.trace)}`;
  const t = (status?.tasks || []).find((x) => x.state === 'FAILED');
  return t ? `task FAILED: ${first(t.trace)}` : null;
}

/** POST /connectors; throws (marked unavailable) when the worker rejects it. */
async function postConnector(worker, name, config) {
  const posted = await rest(worker.restPort, 'POST', '/connectors', { name, config });
  if (posted.status !== 201 && posted.status !== 200) {
    throw unavailable(`POST /connectors answered ${posted.status}: ${posted.json?.message ?? posted.text.slice(0, 200)}`);
  }
}

/** Throws (marked unavailable) when the connector or its task has FAILED. */
async function checkStatus(worker, name) {
  const why = failure((await rest(worker.restPort, 'GET', `/connectors/${name}/status`)).json);
  if (why) throw unavailable(why);
}

/** DELETE /connectors/<name>, ignoring any failure (the worker may already be gone). */
async function deleteConnector(worker, name) {
  await rest(worker.restPort, 'DELETE', `/connectors/${name}`).catch(() => null);
}

module.exports = { postConnector, checkStatus, deleteConnector, unavailable };
