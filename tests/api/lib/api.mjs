// The one way API tests talk to flowd: every response is checked against the contract
// (lib/contract.mjs) and against flowd's error conventions before a test sees it.
//
//   const api = client(srv);                        // default token: srv.token
//   const r = await api('POST', '/automation/v4/flows', { body, token, headers, raw, validate });
//   r.status, r.headers (Headers), r.json (parsed or undefined), r.text
//
// `body` objects are sent as JSON; strings/Buffers are sent as they are (for malformed input).
// `token: null` sends no Authorization header.
import assert from 'node:assert/strict';
import { checkResponse } from './contract.mjs';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_TIMEOUT_MS = 15_000;

// Checks flowd's error-body convention (on top of the spec's Error schema).
export function assertErrorConvention(r, label) {
  const b = r.json;
  assert.ok(b && typeof b === 'object', `${label}: error response without a JSON body: ${r.text?.slice(0, 300)}`);
  assert.equal(b.status, 'error', `${label}: error body status`);
  assert.equal(typeof b.message, 'string', `${label}: error body message`);
  assert.ok(b.message.length > 0, `${label}: empty error message`);
  assert.equal(typeof b.category, 'string', `${label}: error body category`);
  assert.match(b.correlationId ?? '', UUID_RE, `${label}: correlationId must be a UUID`);
  assert.equal(r.headers.get('x-hubspot-correlation-id'), b.correlationId,
    `${label}: x-hubspot-correlation-id header must equal the body's correlationId`);
}

export function client(srv, defaultToken = srv.token) {
  const log = []; // {method, path, status, correlationId} of every request made
  async function api(method, path, opts = {}) {
    const { body, headers = {}, validate = true } = opts;
    const token = 'token' in opts ? opts.token : defaultToken;
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        payload = body;
      } else {
        payload = JSON.stringify(body);
      }
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await fetch(srv.baseUrl + path, {
      method, headers: h, body: payload, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json;
    if (text.length > 0) {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    const r = { status: res.status, headers: res.headers, json, text };
    const label = `${method} ${path} → ${res.status}`;
    const correlationId = res.headers.get('x-hubspot-correlation-id');
    log.push({ method, path: path.split('?')[0], status: res.status, correlationId });
    if (validate) {
      assert.ok(correlationId, `${label}: response without x-hubspot-correlation-id`);
      if (text.length > 0) {
        assert.ok(json !== undefined, `${label}: body is not JSON: ${text.slice(0, 300)}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${label}: content-type`);
      }
      if (res.status >= 400) assertErrorConvention(r, label);
      checkResponse(method, path, res.status, text.length > 0 ? json : undefined);
    }
    return r;
  }
  api.log = log;
  return api;
}

// Asserts an error response: status, category and (optionally) a message pattern.
export function assertError(r, status, category, messageRe) {
  const label = `expected ${status} ${category}, got ${r.status} ${r.text?.slice(0, 500)}`;
  assert.equal(r.status, status, label);
  assert.equal(r.json?.category, category, label);
  if (messageRe) assert.match(r.json.message, messageRe, label);
}
