// DESIGN.md §2, proven: a workload of acknowledged enrollments runs while flowd is killed with
// SIGKILL at random moments and restarted on the same database, many times. Afterwards every
// enrollment has completed, no internal effect happened twice (an INCREMENT counter is exactly 1,
// exactly one task per contact), and every external effect (a webhook) was delivered at least
// once, always with its enrollment's idempotency key.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { startHttpReceiver, eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const CONTACTS = Number(process.env.FLOWD_CRASH_CONTACTS ?? 150);
const KILLS = Number(process.env.FLOWD_CRASH_KILLS ?? 8);
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write'];

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

describe('crash safety (kill -9 during a workload)', () => {
  let srv; let api; let hook;
  before(async () => {
    hook = await startHttpReceiver(() => ({ status: 200 }));
    srv = await startServer({ scopes: SCOPES });
    api = client(srv);
  });
  after(async () => {
    await srv?.stop();
    await hook?.close();
  });

  it('loses no enrollment, repeats no internal effect, delivers every webhook with its key', { timeout: 240_000 }, async () => {
    const prop = await api('POST', '/crm/v3/properties/contacts', { body: {
      name: 'crash_counter', label: 'Crash counter', type: 'number', fieldType: 'number', groupName: 'contactinformation',
    } });
    assert.equal(prop.status, 201, prop.text);
    const flow = await api('POST', `${V4}/flows`, { body: {
      type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name: 'Crash workload',
      startActionId: '1',
      actions: [
        single('1', '0-5', { property_name: 'crash_counter', value: { type: 'INCREMENT', incrementAmount: 1 } }, '2'),
        { type: 'WEBHOOK', actionId: '2', webhookUrl: `${hook.url}/crash`, method: 'POST', queryParams: [],
          connection: { edgeType: 'STANDARD', nextActionId: '3' } },
        single('3', '0-3', { task_type: 'TODO', subject: 'Call {{ enrolled_object.email }}', body: 'crash test', priority: 'LOW',
          associations: [{ target: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }, value: { type: 'ENROLLED_OBJECT' } }],
          use_explicit_associations: 'true' }),
      ],
      enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
      timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [], canEnrollFromSalesforce: false,
    } });
    assert.equal(flow.status, 201, flow.text);

    const ids = [];
    for (let i = 0; i < CONTACTS; i += 100) {
      const inputs = [];
      for (let j = i; j < Math.min(CONTACTS, i + 100); j++) inputs.push({ properties: { email: `crash${j}@example.com` } });
      const r = await api('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs } });
      assert.equal(r.status, 201, r.text);
      ids.push(...r.json.results.map((c) => c.id));
    }
    // Enroll in small batches while killing the server at random moments: an enrollment counts
    // only once its request was acknowledged.
    const acknowledged = new Map(); // contact id → enrollment id
    let next = 0;
    for (let k = 0; k < KILLS; k++) {
      const batch = ids.slice(next, next + Math.ceil(CONTACTS / KILLS));
      next += batch.length;
      if (batch.length) {
        const r = await api('POST', `${V4}/flows/${flow.json.id}/enrollments`, { body: { objectIds: batch } });
        assert.equal(r.status, 200, r.text);
        for (const e of r.json.results) acknowledged.set(e.objectId, e.id);
      }
      await new Promise((res) => setTimeout(res, 20 + Math.floor(Math.random() * 300)));
      await srv.kill9();
      await srv.serve();
    }
    assert.equal(acknowledged.size, CONTACTS);

    // Everything acknowledged completes.
    await eventually(async () => {
      const r = await api('GET', `${V4}/flows/${flow.json.id}/enrollments?status=ACTIVE&limit=1`);
      return r.status === 200 && r.json.results.length === 0;
    }, { ms: 120_000, label: 'every enrollment to finish' });
    const statuses = new Map();
    let after;
    do {
      const r = await api('GET', `${V4}/flows/${flow.json.id}/enrollments?limit=1000${after ? `&after=${after}` : ''}`);
      for (const e of r.json.results) statuses.set(e.objectId, e);
      after = r.json.paging?.next?.after;
    } while (after);
    for (const [contact, eid] of acknowledged) {
      const e = statuses.get(contact);
      assert.ok(e, `enrollment of ${contact} exists`);
      assert.equal(e.id, eid);
      assert.equal(e.status, 'COMPLETED', `enrollment ${eid}: ${e.status} ${e.reason}`);
    }

    // Internal effects exactly once.
    for (let i = 0; i < ids.length; i += 100) {
      const r = await api('POST', '/crm/v3/objects/contacts/batch/read', { body: {
        inputs: ids.slice(i, i + 100).map((id) => ({ id })), properties: ['crash_counter'] } });
      for (const c of r.json.results) assert.equal(c.properties.crash_counter, '1', `contact ${c.id} incremented once`);
    }
    const subjects = new Map();
    let page;
    do {
      const r = await api('GET', `/crm/v3/objects/tasks?limit=100&properties=hs_task_subject${page ? `&after=${page}` : ''}`);
      assert.equal(r.status, 200, r.text);
      for (const t of r.json.results) subjects.set(t.properties.hs_task_subject, (subjects.get(t.properties.hs_task_subject) ?? 0) + 1);
      page = r.json.paging?.next?.after;
    } while (page);
    for (let j = 0; j < CONTACTS; j++) assert.equal(subjects.get(`Call crash${j}@example.com`), 1, `one task for crash${j}`);

    // External effects at least once, with the key.
    const keys = new Set(hook.requests.map((q) => q.headers['idempotency-key']));
    for (const [, eid] of acknowledged) assert.ok(keys.has(`${eid}:2:1`), `webhook of enrollment ${eid} delivered`);
    assert.ok(hook.requests.every((q) => /^\d+:2:1$/.test(q.headers['idempotency-key'] ?? '')));
  });
});
