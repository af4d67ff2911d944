// HTTP behaviour: health, correlation ids, keep-alive, malformed requests, header limits and the
// JSON access log on stderr (which must never contain a token).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { UUID_RE } from './lib/api.mjs';
import { RawConnection, rawExchange } from './lib/raw.mjs';
import { V4, fullContactFlow } from './lib/fixtures.mjs';

function get(path, token) {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`;
}

describe('HTTP', () => {
  let srv;
  let api;
  useServer({ onStart: (ctx) => ({ srv, api } = ctx), stop: stopCheckingAccessLog });

  async function stopCheckingAccessLog() {
    // Access log: every request made through the API helper has a JSON line (bounded wait:
    // the line may be written just after the response).
    const expected = api.log.filter((x) => x.correlationId);
    const deadline = Date.now() + 3000;
    let missing = expected;
    while (Date.now() < deadline) {
      const ids = new Set(srv.accessLines().map((l) => l.correlation_id));
      missing = expected.filter((x) => !ids.has(x.correlationId));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = srv.accessLines();
    const stderr = srv.stderr;
    await srv.stop();
    assert.deepEqual(missing, [], 'every request has an access-log line');
    for (const x of expected) {
      const l = lines.find((y) => y.correlation_id === x.correlationId);
      assert.equal(l.method, x.method);
      assert.equal(l.path, x.path, 'path without the query string');
      assert.equal(Number(l.status), x.status);
      assert.equal(typeof l.duration_ms, 'number');
      assert.ok(l.duration_ms >= 0);
    }
    for (const s of srv.secrets) assert.ok(!stderr.includes(s), 'no token in the logs');
    assert.ok(!stderr.includes('never-log-this-secret'), 'no rejected token in the logs');
  }

  it('answers GET /healthz with 200 without authentication', async () => {
    const r = await fetch(`${srv.baseUrl}/healthz`);
    assert.equal(r.status, 200);
    assert.ok(r.headers.get('x-hubspot-correlation-id'));
    await r.arrayBuffer();
  });

  it('sends a fresh x-hubspot-correlation-id (UUID) on every response', async () => {
    const f = await createFlow(api, V4, fullContactFlow('corr'));
    const rs = [
      await api('GET', `${V4}/flows`),
      await api('GET', `${V4}/flows/${f.id}`),
      await api('GET', `${V4}/flows/987654321`),
      await api('GET', `${V4}/flows`, { token: 'never-log-this-secret' }),
      await api('POST', `${V4}/flows`, { body: '{' }),
      await api('DELETE', `${V4}/flows/${f.id}`),
    ];
    const ids = rs.map((r) => r.headers.get('x-hubspot-correlation-id'));
    for (const id of ids) assert.match(id, UUID_RE);
    assert.equal(new Set(ids).size, ids.length, 'correlation ids are unique');
  });

  it('does not log query strings (tokens passed as hapikey stay out of the log)', async () => {
    const r = await api('GET', `${V4}/flows?hapikey=${srv.token}&limit=1`);
    assert.equal(r.status, 200);
  });

  it('answers unknown routes with a HubSpot error body', async () => {
    const r = await api('GET', '/automation/v4/nothing-here/at/all');
    assert.equal(r.status, 404);
    const m = await api('PATCH', `${V4}/flows/1`, { body: {} });
    assert.ok([404, 405].includes(m.status), `PATCH → ${m.status}`);
  });

  it('serves several requests on one keep-alive connection, pipelined too', async () => {
    const c = await RawConnection.open(srv.port);
    try {
      for (let i = 0; i < 3; i++) {
        await c.write(get(`${V4}/flows?limit=1`, srv.token));
        const r = await c.readResponse();
        assert.equal(r.status, 200, r.statusLine);
        assert.ok(r.headers['x-hubspot-correlation-id']);
        assert.ok(Array.isArray(r.json.results));
      }
      await c.write(get('/healthz') + get(`${V4}/flows/987654321`, srv.token) + get(`${V4}/flows`, srv.token));
      assert.equal((await c.readResponse()).status, 200);
      assert.equal((await c.readResponse()).status, 404);
      assert.equal((await c.readResponse()).status, 200);
      // an error response does not close the connection either
      await c.write(get(`${V4}/flows`, 'unknown-token'));
      assert.equal((await c.readResponse()).status, 401);
      await c.write(get('/healthz'));
      assert.equal((await c.readResponse()).status, 200);
    } finally {
      c.close();
    }
  });

  it('answers a garbage request line with 400 and keeps serving', async () => {
    for (const junk of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nNo colon here\r\n\r\n']) {
      const r = await rawExchange(srv.port, junk);
      assert.equal(r.status, 400, `${JSON.stringify(junk)} → ${r.statusLine}`);
    }
    const c = await RawConnection.open(srv.port);
    await c.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    try {
      const r = await c.readResponse();
      assert.equal(r.status, 400);
    } catch {
      // closing the connection without an answer is acceptable for binary junk
    } finally {
      c.close();
    }
    assert.equal((await fetch(`${srv.baseUrl}/healthz`)).status, 200);
    assert.equal((await api('GET', `${V4}/flows`)).status, 200);
  });

  it('answers 64 KiB of headers with 431 and keeps serving', async () => {
    const big = 'a'.repeat(64 * 1024);
    const r = await rawExchange(srv.port, `GET ${V4}/flows HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${srv.token}\r\nX-Big: ${big}\r\n\r\n`);
    assert.equal(r.status, 431, r.statusLine);
    if (r.json) assert.equal(r.json.status, 'error');
    assert.equal((await api('GET', `${V4}/flows`)).status, 200);
  });

  it('handles many concurrent connections', async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, () => api('GET', `${V4}/flows?limit=5`)));
    for (const r of rs) assert.equal(r.status, 200);
  });
});
