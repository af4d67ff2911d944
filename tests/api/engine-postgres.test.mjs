// Scale-out on PostgreSQL (DESIGN.md §2.4, §3): two `flowd serve` processes on one database share
// the job queue. Both work it, every enrollment completes, internal effects happen once (INCREMENT
// counters are exactly 1), and when one process is killed with SIGKILL mid-run the other takes
// over its leased jobs once the (short, --lease-ms) lease has expired and finishes them. Their
// trigger consumers read one event log: each event is consumed by one of them only.
//
// Needs FLOWD_TEST_POSTGRES_URL (scripts/with-postgres.sh starts a throwaway server); skipped
// without it. Each run uses a schema of its own.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startPeer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { startHttpReceiver, eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const PG = process.env.FLOWD_TEST_POSTGRES_URL;
const CONTACTS = 80;
const LEASE_MS = 1500;
const SCOPES = ['automation', 'flowd.admin', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.schemas.contacts.write'];

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

function increment(actionId, property, next) {
  return single(actionId, '0-5', { property_name: property, value: { type: 'INCREMENT', incrementAmount: 1 } }, next);
}

async function createManualFlow(api, name, actions) {
  const flow = await api('POST', `${V4}/flows`, { body: {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name, startActionId: '1', actions,
    enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [], canEnrollFromSalesforce: false,
  } });
  assert.equal(flow.status, 201, flow.text);
  return flow.json;
}

async function contacts(api, prefix, n) {
  const inputs = [];
  for (let j = 0; j < n; j++) inputs.push({ properties: { email: `${prefix}${j}@example.com` } });
  const made = await api('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs } });
  assert.equal(made.status, 201, made.text);
  return made.json.results.map((c) => c.id);
}

async function noneActive(api, flowId, ms, label) {
  await eventually(async () => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments?status=ACTIVE&limit=1`);
    return r.status === 200 && r.json.results.length === 0;
  }, { ms, label });
}

async function stepsOf(srv) {
  const r = await fetch(`${srv.baseUrl}/metrics`, { headers: { authorization: `Bearer ${srv.token}` } });
  assert.equal(r.status, 200);
  const m = /^flowd_steps_total (\d+)$/m.exec(await r.text());
  return Number(m[1]);
}

describe('two processes on one PostgreSQL database', { skip: PG ? false : 'FLOWD_TEST_POSTGRES_URL is not set' }, () => {
  let a; let b; let hook; let slowHook;
  before(async () => {
    // A slow receiver keeps webhook steps in flight when a process is killed.
    hook = await startHttpReceiver(() => ({ status: 200, delayMs: 150 }));
    // One slower than the lease: only renewal keeps the other process from taking the job over.
    slowHook = await startHttpReceiver(() => ({ status: 200, delayMs: 2.5 * LEASE_MS }));
    const schema = `mp_${process.pid}_${Date.now()}`;
    const dbUrl = `${PG}${PG.includes('?') ? '&' : '?'}schema=${schema}`;
    a = await startServer({ scopes: SCOPES, dbUrl, serveArgs: ['--lease-ms', String(LEASE_MS)] });
    b = await startPeer(a);
  });
  after(async () => {
    await b?.kill9();
    await a?.stop();
    await hook?.close();
    await slowHook?.close();
  });

  it('renew the leases of webhooks slower than the lease, so none is delivered twice', { timeout: 60_000 }, async () => {
    const api = client(a);
    const flow = await createManualFlow(api, 'Slow webhook',
      [{ type: 'WEBHOOK', actionId: '1', webhookUrl: `${slowHook.url}/slow`, method: 'POST', queryParams: [] }]);
    const ids = await contacts(api, 'slow', 6);
    const r = await api('POST', `${V4}/flows/${flow.id}/enrollments`, { body: { objectIds: ids } });
    assert.equal(r.status, 200, r.text);
    await noneActive(api, flow.id, 30_000, 'the slow webhooks to complete');
    const keys = slowHook.requests.map((q) => q.headers['idempotency-key']);
    assert.equal(keys.length, 6, `deliveries: ${keys.join(', ')}`);
    assert.equal(new Set(keys).size, 6);
  });

  it('consume each CRM event once: a re-enrolling event-based flow enrolls once per change', { timeout: 90_000 }, async () => {
    const api = client(a);
    const apiB = client(b);
    const prop = await api('POST', '/crm/v3/properties/contacts', { body: {
      name: 'ev_runs', label: 'ev_runs', type: 'number', fieldType: 'number', groupName: 'contactinformation',
    } });
    assert.equal(prop.status, 201, prop.text);
    // Enrolls on every change of jobtitle, again and again (shouldReEnroll); one quick step, so
    // each enrollment has ended long before the next change of its record.
    const created = await api('POST', `${V4}/flows`, { body: {
      type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name: 'Re-enroll on change',
      startActionId: '1', actions: [increment('1', 'ev_runs')],
      enrollmentCriteria: {
        type: 'EVENT_BASED', shouldReEnroll: true, listMembershipFilterBranches: [],
        eventFilterBranches: [{
          filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND', eventTypeId: '4-655002',
          operator: 'HAS_COMPLETED', filterBranches: [],
          filters: [{ filterType: 'PROPERTY', property: 'hs_name',
            operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'jobtitle', includeObjectsWithNoValueSet: false } }],
        }],
      },
      timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [], canEnrollFromSalesforce: false,
    } });
    assert.equal(created.status, 201, created.text);
    const flow = created.json;
    // B has loaded the flow (NOTIFY, then a reload of its trigger index) once it accepts a
    // manual enrollment into it (400 before); that probe record is not counted below.
    const [probe] = await contacts(api, 'evprobe', 1);
    await eventually(async () => (await apiB('POST', `${V4}/flows/${flow.id}/enrollments`,
      { body: { objectIds: [probe] } })).status === 200, { label: 'B to load the flow' });
    await noneActive(api, flow.id, 20_000, 'the probe enrollment to end');

    const N = 30;
    const ROUNDS = 4;
    const ids = await contacts(api, 'ev', N);
    const all = async () => {
      const out = [];
      let after;
      do {
        const r = await api('GET', `${V4}/flows/${flow.id}/enrollments?limit=1000${after ? `&after=${after}` : ''}`);
        assert.equal(r.status, 200, r.text);
        out.push(...r.json.results.filter((e) => String(e.objectId) !== String(probe)));
        after = r.json.paging?.next?.after;
      } while (after);
      return out;
    };
    for (let round = 0; round < ROUNDS; round++) {
      // Changes written through both processes, in small batches: both consumers read them.
      for (let i = 0; i < N; i += 5) {
        const via = (i / 5) % 2 === 0 ? api : apiB;
        const inputs = ids.slice(i, i + 5).map((id) => ({ id, properties: { jobtitle: `title ${round}` } }));
        const u = await via('POST', '/crm/v3/objects/contacts/batch/update', { body: { inputs } });
        assert.equal(u.status, 200, u.text);
      }
      await eventually(async () => (await all()).filter((e) => e.status === 'COMPLETED').length >= N * (round + 1),
        { ms: 30_000, label: `the enrollments of round ${round}` });
      await noneActive(api, flow.id, 20_000, `round ${round} to end`);
    }
    // A consumer that re-read a range would enroll late: give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await noneActive(api, flow.id, 20_000, 'late enrollments to end');

    const enrollments = await all();
    // (An ended enrollment's reason says how it ended, not which event enrolled it: count.)
    const perContact = new Map();
    for (const e of enrollments) perContact.set(String(e.objectId), (perContact.get(String(e.objectId)) ?? 0) + 1);
    const wrong = ids.filter((id) => perContact.get(String(id)) !== ROUNDS)
      .map((id) => `${id}: ${perContact.get(String(id)) ?? 0}`);
    assert.deepEqual(wrong, [], `each contact enrolls once per change (${ROUNDS} changes)`);
    assert.equal(enrollments.length, N * ROUNDS, 'one enrollment per change');
    const read = await api('POST', '/crm/v3/objects/contacts/batch/read', { body: {
      inputs: ids.map((id) => ({ id })), properties: ['ev_runs'] } });
    assert.equal(read.status, 200, read.text);
    for (const c of read.json.results) assert.equal(c.properties.ev_runs, String(ROUNDS), `contact ${c.id}`);
  });

  it('share the queue, run internal effects once, and survive the loss of one', { timeout: 120_000 }, async () => {
    const api = client(a);
    const apiB = client(b);
    for (const name of ['mp_first', 'mp_last']) {
      const prop = await api('POST', '/crm/v3/properties/contacts', { body: {
        name, label: name, type: 'number', fieldType: 'number', groupName: 'contactinformation',
      } });
      assert.equal(prop.status, 201, prop.text);
    }
    const flow = await createManualFlow(api, 'Two processes', [
      increment('1', 'mp_first', '2'),
      { type: 'WEBHOOK', actionId: '2', webhookUrl: `${hook.url}/mp`, method: 'POST', queryParams: [],
        connection: { edgeType: 'STANDARD', nextActionId: '3' } },
      increment('3', 'mp_last'),
    ]);
    const ids = await contacts(api, 'mp', CONTACTS);

    // Enroll in small batches through both processes alternately.
    const enrolled = new Map(); // contact id → enrollment id
    for (let i = 0; i < ids.length; i += 10) {
      const via = (i / 10) % 2 === 0 ? api : apiB;
      const body = { body: { objectIds: ids.slice(i, i + 10) } };
      // B learns of the flow A created through PostgreSQL (NOTIFY, then a reload of its trigger
      // index); until then it answers that the flow is not enabled (400).
      const r = await eventually(async () => {
        const t = await via('POST', `${V4}/flows/${flow.id}/enrollments`, body);
        return t.status === 400 ? null : t;
      }, { label: 'enrolling through both processes' });
      assert.equal(r.status, 200, r.text);
      for (const e of r.json.results) enrolled.set(e.objectId, e.id);
    }
    assert.equal(enrolled.size, CONTACTS);

    // Both work the queue; then B dies in the middle of its webhooks.
    await eventually(async () => (await stepsOf(b)) > 0 && (await stepsOf(a)) > 0,
      { ms: 20_000, label: 'both processes to commit steps' });
    await eventually(() => hook.requests.length >= 10, { ms: 20_000, label: 'webhooks in flight' });
    const killedAt = Date.now();
    await b.kill9();
    assert.ok(hook.requests.length < CONTACTS, 'B was killed while webhooks were still to be delivered');

    await noneActive(api, flow.id, 60_000, 'every enrollment to finish on the surviving process');
    const finishedIn = Date.now() - killedAt;

    const byContact = new Map();
    let after;
    do {
      const r = await api('GET', `${V4}/flows/${flow.id}/enrollments?limit=1000${after ? `&after=${after}` : ''}`);
      for (const e of r.json.results) byContact.set(e.objectId, e);
      after = r.json.paging?.next?.after;
    } while (after);
    for (const [contact, eid] of enrolled) {
      const e = byContact.get(contact);
      assert.equal(e?.id, eid, `enrollment of ${contact}`);
      assert.equal(e.status, 'COMPLETED', `enrollment ${eid}: ${e.status} ${e.reason ?? ''}`);
    }
    const read = await api('POST', '/crm/v3/objects/contacts/batch/read', { body: {
      inputs: ids.map((id) => ({ id })), properties: ['mp_first', 'mp_last'] } });
    assert.equal(read.status, 200, read.text);
    for (const c of read.json.results) {
      assert.equal(c.properties.mp_first, '1', `contact ${c.id}: first step once`);
      assert.equal(c.properties.mp_last, '1', `contact ${c.id}: last step once`);
    }
    const keys = new Set(hook.requests.map((q) => q.headers['idempotency-key']));
    for (const [, eid] of enrolled) assert.ok(keys.has(`${eid}:2:1`), `webhook of enrollment ${eid} delivered`);
    // The survivor waited for the dead process's leases, not much longer.
    assert.ok(finishedIn < LEASE_MS + 20_000, `finished ${finishedIn} ms after the kill`);
  });
});
