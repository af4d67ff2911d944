// The executor reads a claimed batch's records once and commits the batch's steps together. Two
// flows that increment the same property of the same record, due in the same pass, must both
// count: the second step may not read the value from before the first one's (uncommitted) write.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write',
  'flowd.admin'];
const CONTACTS = 30;

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

function incrementAfterAMinute(name) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name, startActionId: '1',
    actions: [
      single('1', '0-1', { delta: '1', time_unit: 'MINUTES' }, '2'),
      single('2', '0-5', { property_name: 'batch_counter', value: { type: 'INCREMENT', incrementAmount: 1 } }),
    ],
    enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [], canEnrollFromSalesforce: false,
  };
}

describe('executor batches', () => {
  let srv; let api;
  before(async () => {
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
  });
  after(async () => { await srv?.stop(); });

  it('two flows incrementing one record in the same pass both count', { timeout: 60_000 }, async () => {
    const prop = await api('POST', '/crm/v3/properties/contacts', { body: {
      name: 'batch_counter', label: 'Batch counter', type: 'number', fieldType: 'number', groupName: 'contactinformation',
    } });
    assert.equal(prop.status, 201, prop.text);
    const inputs = [];
    for (let i = 0; i < CONTACTS; i++) inputs.push({ properties: { email: `batch${i}@example.com` } });
    const made = await api('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs } });
    assert.equal(made.status, 201, made.text);
    const ids = made.json.results.map((r) => Number(r.id));

    const flows = [];
    for (const name of ['Increment A', 'Increment B']) {
      const f = await api('POST', `${V4}/flows`, { body: incrementAfterAMinute(name) });
      assert.equal(f.status, 201, f.text);
      flows.push(f.json.id);
      const e = await api('POST', `${V4}/flows/${f.json.id}/enrollments`, { body: { objectIds: ids } });
      assert.ok(e.status === 200 || e.status === 201, e.text);
    }
    // The delays start when their step runs: wait for every one of them before moving the clock
    // (a slow executor, e.g. under ASan, would otherwise start some after the move).
    for (const flowId of flows) {
      await eventually(async () => {
        const r = await api('GET', `${V4}/flows/${flowId}/enrollments?limit=100`);
        assert.equal(r.status, 200, r.text);
        return r.json.results.length === CONTACTS && r.json.results.every((e) => e.executions >= 1);
      }, { label: `flow ${flowId} delays started` });
    }
    // Both flows' increments become due at the same moment: one claim takes them together.
    const moved = await api('POST', '/flowd/v1/clock', { body: { advanceMs: 120_000 } });
    assert.equal(moved.status, 200, moved.text);

    for (const flowId of flows) {
      await eventually(async () => {
        const r = await api('GET', `${V4}/flows/${flowId}/enrollments?status=COMPLETED&limit=100`);
        assert.equal(r.status, 200, r.text);
        return r.json.results.length === CONTACTS;
      }, { label: `flow ${flowId} completed` });
    }
    const read = await api('POST', '/crm/v3/objects/contacts/batch/read', { body: {
      inputs: ids.map((id) => ({ id: String(id) })), properties: ['batch_counter'],
    } });
    assert.equal(read.status, 200, read.text);
    for (const r of read.json.results) {
      assert.equal(Number(r.properties.batch_counter), 2, `contact ${r.id}: ${JSON.stringify(r.properties)}`);
    }
  });
});
