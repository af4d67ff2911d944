// The official HubSpot Node client (@hubspot/api-client) driving a running flowd end to end.
// The SDK has no flows client, so every call goes through the documented generic
// `client.apiRequest({ method, path, body, qs })`, which returns a fetch Response.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';

const FLOWS = '/automation/v4/flows';

function flowBody(name) {
  return {
    type: 'PLATFORM_FLOW', objectTypeId: '0-3', flowType: 'WORKFLOW', isEnabled: false, name,
    startActionId: '1',
    actions: [
      { type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-1', actionTypeVersion: 0,
        connection: { edgeType: 'STANDARD', nextActionId: '2' }, fields: { delta: '60', time_unit: 'MINUTES' } },
      { type: 'SINGLE_CONNECTION', actionId: '2', actionTypeId: '0-5', actionTypeVersion: 0,
        fields: { property_name: 'dealstage', value: { type: 'STATIC_VALUE', staticValue: 'closedwon' } } },
    ],
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [],
  };
}

async function json(res) {
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

describe('official @hubspot/api-client against flowd', () => {
  let srv;
  let client;
  before(async () => {
    srv = await startServer();
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl });
  });
  after(async () => {
    await srv?.stop();
  });

  it('create → get → list → update → batch read → delete', async () => {
    const created = await client.apiRequest({ method: 'POST', path: FLOWS, body: flowBody('sdk flow') });
    assert.equal(created.status, 201);
    const flow = await json(created);
    assert.match(flow.id, /^\d+$/);
    assert.equal(flow.revisionId, '1');
    assert.equal(flow.name, 'sdk flow');
    assert.ok(created.headers.get('location').endsWith(`${FLOWS}/${flow.id}`));

    const got = await client.apiRequest({ path: `${FLOWS}/${flow.id}` });
    assert.equal(got.status, 200);
    assert.deepEqual(await json(got), flow);

    const listed = await client.apiRequest({ path: FLOWS, qs: { limit: 10 } });
    assert.equal(listed.status, 200);
    const page = await json(listed);
    assert.ok(page.results.some((x) => x.id === flow.id && x.name === 'sdk flow'));

    const updated = await client.apiRequest({
      method: 'PUT', path: `${FLOWS}/${flow.id}`, body: { ...flow, name: 'sdk flow v2', revisionId: flow.revisionId },
    });
    assert.equal(updated.status, 200);
    const v2 = await json(updated);
    assert.equal(v2.revisionId, '2');
    assert.equal(v2.name, 'sdk flow v2');

    const stale = await client.apiRequest({ method: 'PUT', path: `${FLOWS}/${flow.id}`, body: { ...flow, revisionId: '1' } });
    assert.equal(stale.status, 409);
    const err = await json(stale);
    assert.equal(err.category, 'CONFLICT');
    assert.equal(stale.headers.get('x-hubspot-correlation-id'), err.correlationId);

    const batch = await client.apiRequest({
      method: 'POST', path: `${FLOWS}/batch/read`, body: { inputs: [{ flowId: flow.id, type: 'FLOW_ID' }] },
    });
    assert.equal(batch.status, 200);
    const b = await json(batch);
    assert.equal(b.status, 'COMPLETE');
    assert.deepEqual(b.results, [v2]);

    const deleted = await client.apiRequest({ method: 'DELETE', path: `${FLOWS}/${flow.id}` });
    assert.equal(deleted.status, 204);
    const gone = await client.apiRequest({ path: `${FLOWS}/${flow.id}` });
    assert.equal(gone.status, 404);
    assert.equal((await json(gone)).category, 'OBJECT_NOT_FOUND');
  });

  it('reports authentication failures the way HubSpot does', async () => {
    const bad = new hubspot.Client({ accessToken: 'not-a-real-token', basePath: srv.baseUrl });
    const r = await bad.apiRequest({ path: FLOWS });
    assert.equal(r.status, 401);
    const body = await json(r);
    assert.equal(body.category, 'INVALID_AUTHENTICATION');
  });

  it('works with the SDK\'s retry decorator enabled', async () => {
    const retrying = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl, numberOfApiCallRetries: 2 });
    const r = await retrying.apiRequest({ path: FLOWS, qs: { limit: 1 } });
    assert.equal(r.status, 200);
  });
});
