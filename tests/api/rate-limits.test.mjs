// Per-token rate limits: ten-secondly rolling and daily, HubSpot's headers and 429 bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useServer } from './lib/suite.mjs';
import { V4, fullContactFlow, putBodyFrom } from './lib/fixtures.mjs';

const H = {
  max: 'x-hubspot-ratelimit-max',
  remaining: 'x-hubspot-ratelimit-remaining',
  interval: 'x-hubspot-ratelimit-interval-milliseconds',
  daily: 'x-hubspot-ratelimit-daily',
  dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
};

function assert429(r, policyName) {
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.status, 'error');
  assert.equal(r.json.category, 'RATE_LIMITS');
  assert.equal(r.json.errorType, 'RATE_LIMIT');
  assert.equal(r.json.policyName, policyName);
  assert.equal(typeof r.json.message, 'string');
}

describe('rate limits', () => {
  let srv;
  let api;
  useServer({ onStart: (ctx) => ({ srv, api } = ctx) });

  it('sends the headers and answers the 6th GET within 10 s with 429 TEN_SECONDLY_ROLLING', async () => {
    const token = srv.createToken(srv.accountId, { name: 'five', rateLimit: '5/10s,1000/day' });
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const r = await api('GET', `${V4}/flows`, { token });
      assert.equal(r.status, 200, `request ${i + 1}: ${r.text}`);
      assert.equal(r.headers.get(H.max), '5');
      assert.equal(r.headers.get(H.interval), '10000');
      assert.equal(r.headers.get(H.daily), '1000');
      assert.equal(r.headers.get(H.remaining), String(4 - i), `remaining after request ${i + 1}`);
      assert.equal(r.headers.get(H.dailyRemaining), String(999 - i), `daily remaining after request ${i + 1}`);
    }
    const r = await api('GET', `${V4}/flows`, { token });
    assert.ok(Date.now() - started < 10_000, 'the six requests fit in one window');
    assert429(r, 'TEN_SECONDLY_ROLLING');
    if (r.headers.get(H.remaining) !== null) assert.equal(r.headers.get(H.remaining), '0');
  });

  it('limits each token on its own', async () => {
    const t1 = srv.createToken(srv.accountId, { name: 'own-1', rateLimit: '1/10s,1000/day' });
    const t2 = srv.createToken(srv.accountId, { name: 'own-2', rateLimit: '1/10s,1000/day' });
    assert.equal((await api('GET', `${V4}/flows`, { token: t1 })).status, 200);
    assert429(await api('GET', `${V4}/flows`, { token: t1 }), 'TEN_SECONDLY_ROLLING');
    assert.equal((await api('GET', `${V4}/flows`, { token: t2 })).status, 200);
  });

  it('exempts flow POST and PUT from the ten-secondly limit but counts them daily', async () => {
    const token = srv.createToken(srv.accountId, { name: 'exempt', rateLimit: '2/10s,1000/day' });
    assert.equal((await api('GET', `${V4}/flows`, { token })).status, 200);
    assert.equal((await api('GET', `${V4}/flows`, { token })).status, 200);
    assert429(await api('GET', `${V4}/flows`, { token }), 'TEN_SECONDLY_ROLLING');
    const c = await api('POST', `${V4}/flows`, { token, body: fullContactFlow('exempt create') });
    assert.equal(c.status, 201, c.text);
    const dailyAfterCreate = Number(c.headers.get(H.dailyRemaining));
    const p = await api('PUT', `${V4}/flows/${c.json.id}`, { token, body: putBodyFrom(c.json, { name: 'exempt put' }) });
    assert.equal(p.status, 200, p.text);
    const dailyAfterPut = Number(p.headers.get(H.dailyRemaining));
    assert.ok(Number.isInteger(dailyAfterCreate) && Number.isInteger(dailyAfterPut), 'daily headers on POST/PUT');
    assert.equal(dailyAfterPut, dailyAfterCreate - 1, 'PUT counts against the daily limit');
    assert.ok(dailyAfterCreate <= 1000 - 3, 'the two GETs and the POST were counted');
    // other routes stay limited
    assert429(await api('GET', `${V4}/flows/${c.json.id}`, { token }), 'TEN_SECONDLY_ROLLING');
  });

  it('answers 429 DAILY once the daily budget is spent, also for exempt operations', async () => {
    const token = srv.createToken(srv.accountId, { name: 'daily', rateLimit: '100/10s,3/day' });
    for (let i = 0; i < 3; i++) {
      const r = await api('GET', `${V4}/flows`, { token });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get(H.daily), '3');
      assert.equal(r.headers.get(H.dailyRemaining), String(2 - i));
    }
    assert429(await api('GET', `${V4}/flows`, { token }), 'DAILY');
    assert429(await api('POST', `${V4}/flows`, { token, body: fullContactFlow('too late') }), 'DAILY');
  });

  it('does not limit tokens created without --rate-limit, nor send the headers', async () => {
    const rs = await Promise.all(Array.from({ length: 30 }, () => api('GET', `${V4}/flows`)));
    for (const r of rs) {
      assert.equal(r.status, 200);
      for (const h of Object.values(H)) assert.equal(r.headers.get(h), null, `${h} without a limit`);
    }
  });
});
