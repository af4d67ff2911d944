// 0-29 "delay until an event occurs" through the HTTP API (manual clock): an enrollment waits
// until an event that one of event_filter_branches accepts happens on its record, or until
// expiration_minutes pass, then continues; events before the wait, on other records or not
// matching the branches do not end it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const C = '/crm/v3/objects/contacts';
const MINUTE = 60_000;
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'flowd.admin'];

const changed = (property) => ({
  filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND', eventTypeId: '4-655002',
  operator: 'HAS_COMPLETED', filterBranches: [],
  filters: [{ filterType: 'PROPERTY', property: 'hs_name',
    operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: property, includeObjectsWithNoValueSet: false } }],
});

function waitFlow(name, fields) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: '1',
    actions: [
      { type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-29', actionTypeVersion: 0, fields,
        connection: { edgeType: 'STANDARD', nextActionId: '2' } },
      { type: 'SINGLE_CONNECTION', actionId: '2', actionTypeId: '0-5', actionTypeVersion: 0,
        fields: { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'customer' } } },
    ],
    enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false,
  };
}

describe('delay until an event occurs (0-29, manual clock)', () => {
  let srv; let api; let seq = 0;
  before(async () => {
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
  });
  after(async () => { await srv?.stop(); });

  const advance = async (ms) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: ms } });
    assert.equal(r.status, 200, r.text);
  };
  const contact = async () => {
    const r = await api('POST', C, { body: { properties: { email: `w${++seq}@example.com`, lifecyclestage: 'lead' } } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const set = async (id, properties) => {
    const r = await api('PATCH', `${C}/${id}`, { body: { properties } });
    assert.equal(r.status, 200, r.text);
  };
  const stage = async (id) => (await api('GET', `${C}/${id}?properties=lifecyclestage`)).json.properties.lifecyclestage;
  const enroll = async (flowId, ids) => {
    const r = await api('POST', `${V4}/flows/${flowId}/enrollments`, { body: { objectIds: ids } });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  // The wait starts when its step runs: the test waits for that before moving the clock (a slow
  // executor, e.g. under ASan, would otherwise start it after the move, and count from there).
  const waitsStarted = async (flowId, count) => eventually(async () => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments?limit=100`);
    assert.equal(r.status, 200, r.text);
    return r.json.results.length === count && r.json.results.every((e) => e.executions >= 1);
  }, { label: `flow ${flowId} waits started` });

  it('continues when a matching event happens on the record, not before', async () => {
    const r = await api('POST', `${V4}/flows`, { body: waitFlow('Wait for job title', {
      event_filter_branches: [changed('jobtitle')], expiration_minutes: '1440' }) });
    assert.equal(r.status, 201, r.text);
    const waiting = await contact();
    const other = await contact();
    await set(waiting, { jobtitle: 'before the wait' });
    await advance(1);
    await enroll(r.json.id, [waiting, other]);
    await advance(MINUTE);
    assert.equal(await stage(waiting), 'lead');
    // Another property, another record: still waiting.
    await set(waiting, { firstname: 'Ann' });
    await set(other, { jobtitle: 'y' });
    await advance(1);
    assert.equal(await stage(waiting), 'lead');
    assert.equal(await stage(other), 'customer');
    await set(waiting, { jobtitle: 'Engineer' });
    await advance(1);
    assert.equal(await stage(waiting), 'customer');
    const list = (await api('GET', `${V4}/flows/${r.json.id}/enrollments`)).json.results;
    assert.ok(list.every((e) => e.status === 'COMPLETED'), JSON.stringify(list));
  });

  it('continues at the expiry without the event', async () => {
    const r = await api('POST', `${V4}/flows`, { body: waitFlow('Wait an hour', {
      event_filter_branches: [changed('jobtitle')], expiration_minutes: 60 }) });
    assert.equal(r.status, 201, r.text);
    const id = await contact();
    await advance(1);
    await enroll(r.json.id, [id]);
    await waitsStarted(r.json.id, 1);
    await advance(59 * MINUTE);
    assert.equal(await stage(id), 'lead');
    await advance(MINUTE);
    assert.equal(await stage(id), 'customer');
  });

  it('refuses to enable without event_filter_branches', async () => {
    const r = await api('POST', `${V4}/flows`, { body: waitFlow('No events', { expiration_minutes: 60 }) });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /event_filter_branches/);
  });
});
