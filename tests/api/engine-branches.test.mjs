// Branch actions end to end through the HTTP API: AB_TEST_BRANCH (percentages, one fixed branch
// per enrollment) and LIST_BRANCH (first matching branch wins, the default branch otherwise).
// The chosen branch is read back from the enrollment's steps and from what the branch did.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.lists.read', 'crm.lists.write', 'flowd.admin'];
const manual = { type: 'MANUAL', shouldReEnroll: false };

const std = (nextActionId) => ({ edgeType: 'STANDARD', nextActionId });
const setProperty = (actionId, property, value) => ({
  type: 'SINGLE_CONNECTION', actionId, actionTypeId: '0-5', actionTypeVersion: 0,
  fields: { property_name: property, value: { type: 'STATIC_VALUE', staticValue: value } },
});

function contactFlow(name, actions) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: actions[0].actionId, actions, enrollmentCriteria: manual,
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false,
  };
}

function andBranch(filters) {
  return {
    filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
    filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters }],
  };
}
const enumIs = (property, value) => ({
  filterType: 'PROPERTY', property,
  operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: [value], includeObjectsWithNoValueSet: false },
});
const inList = (listId) => ({ filterType: 'IN_LIST', listId: String(listId), operator: 'IN_LIST' });

// The engine's bucket for an A/B test (engine/actions/ab_test_branch.cc): FNV-1a of
// "enrollmentId:actionId" with a splitmix64 finaliser, mod 10,000, in hundredths of a percent.
function abBucket(enrollmentId, actionId) {
  const M = (1n << 64n) - 1n;
  let h = 1469598103934665603n;
  for (const c of Buffer.from(`${enrollmentId}:${actionId}`)) {
    h ^= BigInt(c);
    h = (h * 1099511628211n) & M;
  }
  h ^= h >> 30n;
  h = (h * 0xbf58476d1ce4e5b9n) & M;
  h ^= h >> 27n;
  h = (h * 0x94d049bb133111ebn) & M;
  h ^= h >> 31n;
  return Number(h % 10000n) / 100;
}

describe('engine branches', () => {
  let srv; let api;
  before(async () => {
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
  });
  after(async () => srv?.stop());

  const createContacts = async (inputs) => {
    const r = await api('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs: inputs.map((properties) => ({ properties })) } });
    assert.equal(r.status, 201, r.text);
    return r.json.results.map((c) => c.id);
  };
  const createFlow = async (body) => {
    const r = await api('POST', `${V4}/flows`, { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const enrollment = async (flowId, id) => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const finished = (flowId, id) => eventually(async () => {
    const e = await enrollment(flowId, id);
    return e.status !== 'ACTIVE' ? e : null;
  }, { label: `enrollment ${id} to end` });
  const property = async (id, name) => {
    const r = await api('GET', `/crm/v3/objects/contacts/${id}?properties=${name}`);
    assert.equal(r.status, 200, r.text);
    return r.json.properties[name];
  };
  // Enrolls the records and returns each one's finished enrollment, in input order.
  const runAll = async (flowId, ids) => {
    const r = await api('POST', `${V4}/flows/${flowId}/enrollments`, { body: { objectIds: ids } });
    assert.equal(r.status, 200, r.text);
    const byObject = new Map(r.json.results.map((e) => [e.objectId, e.id]));
    const out = [];
    for (const id of ids) {
      const done = await finished(flowId, byObject.get(id));
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
      out.push(done);
    }
    return out;
  };

  it('AB_TEST_BRANCH splits enrollments by percentage, one fixed branch per enrollment, recorded in the steps', async () => {
    // 50 / 0 / 50: the 0 % branch in the middle is never taken.
    const flow = await createFlow(contactFlow('A/B', [
      { type: 'AB_TEST_BRANCH', actionId: '1', testBranches: [
        { percentage: 50, connection: std('2') },
        { percentage: 0, connection: std('3') },
        { percentage: 50, connection: std('4') },
      ] },
      setProperty('2', 'jobtitle', 'A'),
      setProperty('3', 'jobtitle', 'never'),
      setProperty('4', 'jobtitle', 'B'),
    ]));
    const n = 40;
    const ids = await createContacts(Array.from({ length: n }, (_, i) => ({ email: `ab${i}@example.com` })));
    const done = await runAll(flow.id, ids);
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const e = done[i];
      const branchStep = e.steps.find((s) => s.actionId === '1');
      assert.ok(branchStep, JSON.stringify(e.steps));
      assert.equal(branchStep.outcome, 'BRANCHED', JSON.stringify(branchStep));
      const { branch, bucket } = branchStep.detail;
      // Deterministic: the bucket is the hash of the enrollment id and the action id.
      assert.equal(bucket, abBucket(e.id, '1'), `bucket of enrollment ${e.id}`);
      assert.equal(branch, bucket < 50 ? 0 : 2);
      counts[branch]++;
      // The path the record took is the recorded branch.
      assert.deepEqual(e.steps.map((s) => s.actionId), ['1', branch === 0 ? '2' : '4']);
      assert.equal(await property(ids[i], 'jobtitle'), branch === 0 ? 'A' : 'B');
      // Reading it again shows the same choice.
      assert.deepEqual((await enrollment(flow.id, e.id)).steps[0].detail, branchStep.detail);
    }
    assert.equal(counts[1], 0, 'the 0 % branch is never taken');
    // 40 fair coin flips: fewer than 8 on one side has probability < 1e-4.
    assert.ok(counts[0] >= 8 && counts[2] >= 8, `plausible split: ${counts}`);
    assert.equal(counts[0] + counts[2], n);
  });

  it('AB_TEST_BRANCH without percentages shares evenly; 100 / 0 always takes the first', async () => {
    const even = await createFlow(contactFlow('A/B even', [
      { type: 'AB_TEST_BRANCH', actionId: '1', testBranches: [{ connection: std('2') }, { connection: std('3') }] },
      setProperty('2', 'hs_lead_status', 'NEW'),
      setProperty('3', 'hs_lead_status', 'OPEN'),
    ]));
    const all = await createFlow(contactFlow('A/B all', [
      { type: 'AB_TEST_BRANCH', actionId: '1', testBranches: [{ percentage: 100, connection: std('2') }, { percentage: 0, connection: std('3') }] },
      setProperty('2', 'lifecyclestage', 'lead'),
      setProperty('3', 'lifecyclestage', 'customer'),
    ]));
    const ids = await createContacts(Array.from({ length: 20 }, (_, i) => ({ email: `even${i}@example.com` })));
    for (const e of await runAll(even.id, ids)) {
      const { branch, bucket } = e.steps[0].detail;
      assert.equal(branch, bucket < 50 ? 0 : 1, JSON.stringify(e.steps[0]));
    }
    for (const e of await runAll(all.id, ids)) {
      assert.equal(e.steps[0].detail.branch, 0, JSON.stringify(e.steps[0]));
      assert.equal(e.steps[1].actionId, '2');
    }
  });

  it('LIST_BRANCH: the first matching branch wins, the default branch when none matches', async () => {
    const list = await api('POST', '/crm/v3/lists', { body: { name: 'VIPs', objectTypeId: '0-1', processingType: 'MANUAL' } });
    assert.equal(list.status, 200, list.text);
    const listId = list.json.list.listId;
    const flow = await createFlow(contactFlow('List branch', [
      { type: 'LIST_BRANCH', actionId: '1',
        listBranches: [
          { branchName: 'Customers', filterBranch: andBranch([enumIs('lifecyclestage', 'customer')]), connection: std('2') },
          { branchName: 'VIPs', filterBranch: andBranch([inList(listId)]), connection: std('3') },
        ],
        defaultBranchName: 'Everyone else', defaultBranch: std('4') },
      setProperty('2', 'jobtitle', 'customer path'),
      setProperty('3', 'jobtitle', 'vip path'),
      setProperty('4', 'jobtitle', 'default path'),
    ]));
    // both: matches both branches (the first wins); vip: only the second; nobody: none.
    const [both, vip, nobody] = await createContacts([
      { email: 'both@example.com', lifecyclestage: 'customer' },
      { email: 'vip@example.com', lifecyclestage: 'lead' },
      { email: 'nobody@example.com' },
    ]);
    const add = await api('PUT', `/crm/v3/lists/${listId}/memberships/add`, { body: [both, vip] });
    assert.equal(add.status, 200, add.text);
    const [eBoth, eVip, eNobody] = await runAll(flow.id, [both, vip, nobody]);
    assert.deepEqual([eBoth, eVip, eNobody].map((e) => e.steps[0].outcome), ['BRANCHED', 'BRANCHED', 'BRANCHED']);
    assert.deepEqual(eBoth.steps[0].detail, { branch: 0, branchName: 'Customers' });
    assert.deepEqual(eVip.steps[0].detail, { branch: 1, branchName: 'VIPs' });
    assert.deepEqual(eNobody.steps[0].detail, { branch: 'default', branchName: 'Everyone else' });
    assert.deepEqual([eBoth, eVip, eNobody].map((e) => e.steps.map((s) => s.actionId)),
      [['1', '2'], ['1', '3'], ['1', '4']]);
    assert.equal(await property(both, 'jobtitle'), 'customer path');
    assert.equal(await property(vip, 'jobtitle'), 'vip path');
    assert.equal(await property(nobody, 'jobtitle'), 'default path');
  });

  it('LIST_BRANCH without a default branch ends the enrollment when nothing matches', async () => {
    const flow = await createFlow(contactFlow('List branch, no default', [
      { type: 'LIST_BRANCH', actionId: '1',
        listBranches: [{ branchName: 'Customers', filterBranch: andBranch([enumIs('lifecyclestage', 'customer')]), connection: std('2') }] },
      setProperty('2', 'jobtitle', 'customer path'),
    ]));
    const [lead] = await createContacts([{ email: 'lead-only@example.com', lifecyclestage: 'lead' }]);
    const [e] = await runAll(flow.id, [lead]);
    assert.deepEqual(e.steps.map((s) => s.actionId), ['1']);
    assert.equal(e.steps[0].detail.branch, 'default');
    assert.ok(!(await property(lead, 'jobtitle')));
  });
});
