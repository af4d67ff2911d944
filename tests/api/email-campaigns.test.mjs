// GET /automation/v4/flows/email-campaigns: marketing emails (0-4 actions) used by flows.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { V4, BETA, fullContactFlow, delayAction, emailAction, putBodyFrom } from './lib/fixtures.mjs';

function emailFlow(name, contentIds) {
  const body = fullContactFlow(name);
  body.startActionId = '1';
  body.actions = [delayAction('1', contentIds.length ? '2' : undefined)];
  contentIds.forEach((c, i) => {
    const id = String(i + 2);
    const next = i + 1 < contentIds.length ? String(i + 3) : undefined;
    body.actions.push(emailAction(id, c, next));
  });
  return body;
}

const key = (x) => `${x.flowId}:${x.emailContentId}`;

describe('email campaigns', () => {
  let api;
  let f1;
  let f2;
  let f3;
  useServer({ onStart: (ctx) => ({ api } = ctx) });
  before(async () => {
    f1 = await createFlow(api, V4, emailFlow('one email', ['5001']));
    f2 = await createFlow(api, V4, emailFlow('two emails', ['5002', '5003']));
    f3 = await createFlow(api, V4, emailFlow('no email', []));
  });

  async function all(prefix = V4, query = '') {
    const r = await api('GET', `${prefix}/flows/email-campaigns${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('lists {flowId, emailCampaignId, emailContentId} for every 0-4 action', async () => {
    const { results } = await all();
    const keys = results.map(key).sort();
    assert.deepEqual(keys, [`${f1.id}:5001`, `${f2.id}:5002`, `${f2.id}:5003`].sort());
    for (const x of results) {
      assert.equal(typeof x.emailCampaignId, 'string');
      assert.ok(x.emailCampaignId.length > 0);
    }
    assert.ok(!results.some((x) => x.flowId === f3.id));
  });

  it('is served under the beta prefix too', async () => {
    const { results } = await all(BETA);
    assert.equal(results.length, 3);
  });

  it('filters by repeated flowId parameters', async () => {
    const one = await all(V4, `?flowId=${f1.id}`);
    assert.deepEqual(one.results.map(key), [`${f1.id}:5001`]);
    const two = await all(V4, `?flowId=${f1.id}&flowId=${f2.id}`);
    assert.equal(two.results.length, 3);
    const none = await all(V4, `?flowId=${f3.id}`);
    assert.deepEqual(none.results, []);
    const unknown = await all(V4, '?flowId=987654321');
    assert.deepEqual(unknown.results, []);
  });

  it('pages forward with after and back with before', async () => {
    const full = (await all()).results.map(key);
    const p1 = await all(V4, '?limit=1');
    assert.equal(p1.results.length, 1);
    assert.ok(p1.paging?.next?.after, 'next.after on the first page');
    const p2 = await all(V4, `?limit=1&after=${encodeURIComponent(p1.paging.next.after)}`);
    assert.equal(p2.results.length, 1);
    assert.notEqual(key(p2.results[0]), key(p1.results[0]));
    assert.ok(p2.paging?.prev?.before, 'prev.before on the second page');
    const back = await all(V4, `?limit=1&before=${encodeURIComponent(p2.paging.prev.before)}`);
    assert.deepEqual(back.results.map(key), p1.results.map(key), 'before returns the previous page');
    const p3 = await all(V4, `?limit=1&after=${encodeURIComponent(p2.paging.next.after)}`);
    assert.equal(p3.results.length, 1);
    assert.deepEqual([p1, p2, p3].map((p) => key(p.results[0])), full, 'paging walks the same order as the full listing');
    assert.equal(p3.paging?.next, undefined, 'no next on the last page');
  });

  it('rejects a bad limit', async () => {
    for (const limit of ['0', 'abc', '101']) {
      assertError(await api('GET', `${V4}/flows/email-campaigns?limit=${limit}`), 400, 'VALIDATION_ERROR');
    }
  });

  it('follows PUT and DELETE of flows', async () => {
    const f = await createFlow(api, V4, emailFlow('changing', ['6001', '6002']));
    let r = await all(V4, `?flowId=${f.id}`);
    assert.equal(r.results.length, 2);
    const body = putBodyFrom(f);
    body.actions = [delayAction('1', '2'), emailAction('2', '6001')];
    const put = await api('PUT', `${V4}/flows/${f.id}`, { body });
    assert.equal(put.status, 200, put.text);
    r = await all(V4, `?flowId=${f.id}`);
    assert.deepEqual(r.results.map((x) => x.emailContentId), ['6001']);
    assert.equal((await api('DELETE', `${V4}/flows/${f.id}`)).status, 204);
    r = await all(V4, `?flowId=${f.id}`);
    assert.deepEqual(r.results, []);
    assert.ok(!(await all()).results.some((x) => x.flowId === f.id));
  });
});
