// Rotate record to owner (0-11) and enroll in another workflow (0-15), end to end over HTTP:
// owners assigned in turn across enrollments, in one batch and across a kill -9 (the rotation's
// counter is stored and moved with the step), overwrite_current_owner, the enrolled record
// enrolled into the target flow whose actions then run, the target's re-enrollment rule, a
// disabled or deleted target, and the 400s of flow create/update.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.objects.owners.read', 'crm.lists.read',
  'crm.lists.write', 'flowd.admin'];

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}
const rotate = (actionId, fields, next) => single(actionId, '0-11', fields, next);
const enrollIn = (actionId, flowId, next) => single(actionId, '0-15', { flow_id: String(flowId) }, next);
const setProperty = (actionId, property, value, next) =>
  single(actionId, '0-5', { property_name: property, value: { type: 'STATIC_VALUE', staticValue: value } }, next);

function flowBody(name, actions, extra = {}) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: actions[0].actionId, actions,
    enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false, ...extra,
  };
}

describe('engine: rotate record to owner, enroll in another workflow', () => {
  let srv;
  let api;
  useServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'], onStart: (ctx) => ({ srv, api } = ctx) });

  const call = async (method, path, status, body) => {
    const r = await api(method, path, body === undefined ? {} : { body });
    assert.equal(r.status, status, r.text);
    return r.json;
  };
  const advance = () => call('POST', '/flowd/v1/clock', 200, { advanceMs: 0 });
  const createContact = async (properties = {}) =>
    (await call('POST', '/crm/v3/objects/contacts', 201, { properties })).id;
  const ownerOf = async (id, property = 'hubspot_owner_id') =>
    (await call('GET', `/crm/v3/objects/contacts/${id}?properties=${property}`, 200)).properties[property] ?? null;
  const createFlow = (body) => call('POST', `${V4}/flows`, 201, body);
  const enrollmentsOf = async (flowId) => {
    const all = [];
    let after = '';
    for (;;) {
      const page = await call('GET', `${V4}/flows/${flowId}/enrollments?limit=1000${after}`, 200);
      all.push(...page.results);
      if (!page.paging?.next?.after) return all;
      after = `&after=${page.paging.next.after}`;
    }
  };
  // The record's enrollment in the flow, once it has ended, with its steps.
  const ended = async (flowId, objectId) => {
    await advance();
    const e = await eventually(async () => {
      const [mine] = (await enrollmentsOf(flowId)).filter((x) => String(x.objectId) === String(objectId));
      return mine && mine.status !== 'ACTIVE' ? mine : null;
    }, { label: `enrollment of ${objectId} in flow ${flowId} to end` });
    return call('GET', `${V4}/flows/${flowId}/enrollments/${e.id}`, 200);
  };
  const enroll = (flowId, ids) => call('POST', `${V4}/flows/${flowId}/enrollments`, 200, { objectIds: ids.map(String) });
  const enrollAndEnd = async (flowId, objectId) => {
    await enroll(flowId, [objectId]);
    return ended(flowId, objectId);
  };
  const stepOf = (enrollment, actionId) => {
    const s = enrollment.steps.find((x) => x.actionId === actionId);
    assert.ok(s, `no step of action ${actionId}: ${JSON.stringify(enrollment)}`);
    return s;
  };
  const createOwner = (email) => {
    const r = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', String(srv.accountId), '--email', email]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };

  let owners;  // owner ids
  let userIdOfThird;
  before(async () => {
    owners = ['ann@rotation.example', 'bob@rotation.example', 'cy@rotation.example'].map(createOwner);
    const third = await call('GET', `/crm/v3/owners/${owners[2]}`, 200);
    userIdOfThird = String(third.userId);
    assert.notEqual(userIdOfThird, owners[2]);
  });

  it('assigns owners in turn across enrollments, a batch and a kill -9', { timeout: 120_000 }, async () => {
    // The third owner named by its user id: the property still gets the owner id.
    const flow = await createFlow(flowBody('Rotate', [
      rotate('1', { user_ids: [owners[0], owners[1], userIdOfThird] }, '2'),
      setProperty('2', 'jobtitle', 'rotated'),
    ]));
    const assigned = [];
    for (let i = 0; i < 4; i++) {
      const c = await createContact({ firstname: `one-${i}` });
      const e = await enrollAndEnd(flow.id, c);
      assert.equal(e.status, 'COMPLETED', JSON.stringify(e));
      const step = stepOf(e, '1');
      assert.equal(step.outcome, 'SUCCEEDED');
      assert.equal(step.detail.slot, i);
      assert.equal(step.detail.value, owners[i % 3]);
      assigned.push(await ownerOf(c));
    }
    assert.deepEqual(assigned, [owners[0], owners[1], owners[2], owners[0]]);

    // The turn is stored: a killed and restarted flowd goes on where it was.
    await srv.kill9();
    await srv.serve();
    for (let i = 4; i < 6; i++) {
      const c = await createContact({ firstname: `two-${i}` });
      const e = await enrollAndEnd(flow.id, c);
      assert.equal(stepOf(e, '1').detail.slot, i, JSON.stringify(e));
      assert.equal(await ownerOf(c), owners[i % 3]);
    }

    // Six enrollments run in one batch: six distinct turns, each owner twice.
    const batch = [];
    for (let i = 0; i < 6; i++) batch.push(await createContact({ firstname: `batch-${i}` }));
    await enroll(flow.id, batch);
    const slots = [];
    const counts = new Map();
    for (const c of batch) {
      const e = await ended(flow.id, c);
      assert.equal(e.status, 'COMPLETED', JSON.stringify(e));
      const step = stepOf(e, '1');
      slots.push(step.detail.slot);
      const owner = await ownerOf(c);
      assert.equal(owner, owners[step.detail.slot % 3]);
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    assert.deepEqual([...slots].sort((a, b) => a - b), [6, 7, 8, 9, 10, 11]);
    assert.deepEqual([...counts.values()], [2, 2, 2]);
  });

  it('overwrite_current_owner "false" leaves an owned record as it is and takes no turn', async () => {
    const flow = await createFlow(flowBody('Rotate unowned only', [
      rotate('1', { user_ids: [owners[1], owners[2]], target_property: 'hubspot_owner_id', overwrite_current_owner: 'false' }),
    ]));
    const owned = await createContact({ hubspot_owner_id: owners[0] });
    let e = await enrollAndEnd(flow.id, owned);
    assert.equal(e.status, 'COMPLETED');
    assert.equal(stepOf(e, '1').outcome, 'SKIPPED', JSON.stringify(e));
    assert.equal(await ownerOf(owned), owners[0]);
    const unowned = await createContact({});
    e = await enrollAndEnd(flow.id, unowned);
    assert.equal(stepOf(e, '1').outcome, 'SUCCEEDED');
    assert.equal(stepOf(e, '1').detail.slot, 0);
    assert.equal(await ownerOf(unowned), owners[1]);
  });

  it('refuses bad fields with 400s listing every problem; a draft may name unknown targets', async () => {
    const deals = await createFlow({ ...flowBody('Deal flow', [setProperty('1', 'dealname', 'x')]),
      type: 'PLATFORM_FLOW', objectTypeId: '0-3' });
    let r = await api('POST', `${V4}/flows`, { body: flowBody('Bad targets', [
      rotate('1', { user_ids: [owners[0], '999999'], target_property: 'no_such_property' }, '2'),
      enrollIn('2', '987654321', '3'),
      enrollIn('3', deals.id),
    ]) });
    assertError(r, 400, 'VALIDATION_ERROR');
    const problems = r.json.errors.map((e) => `${e.code} ${e.in}`);
    for (const p of ['UNKNOWN_OWNER actions[0].fields.user_ids[1]', 'UNKNOWN_PROPERTY actions[0].fields.target_property',
      'UNKNOWN_FLOW actions[1].fields.flow_id', 'OBJECT_TYPE_MISMATCH actions[2].fields.flow_id']) {
      assert.ok(problems.includes(p), `${p} missing from ${r.text}`);
    }
    // Shapes are checked on every save, drafts included.
    r = await api('POST', `${V4}/flows`, { body: flowBody('Bad shapes', [
      single('1', '0-15', { flow_id: 'abc' }, '2'),
      rotate('2', { user_ids: 'not-a-list', overwrite_current_owner: 'maybe' }),
    ], { isEnabled: false }) });
    assertError(r, 400, 'VALIDATION_ERROR');
    const shapes = r.json.errors.map((e) => e.in);
    for (const p of ['actions[0].fields.flow_id', 'actions[1].fields.user_ids', 'actions[1].fields.overwrite_current_owner']) {
      assert.ok(shapes.includes(p), `${p} missing from ${r.text}`);
    }
    // Required when enabled.
    r = await api('POST', `${V4}/flows`, { body: flowBody('Empty', [rotate('1', { user_ids: [] }, '2'), single('2', '0-15', {})]) });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.in).sort(), ['actions[0].fields.user_ids', 'actions[1].fields.flow_id']);
    // A disabled draft may name an unknown flow and owner; enabling it by PUT is refused.
    const draft = await createFlow(flowBody('Draft', [enrollIn('1', '987654321', '2'), rotate('2', { user_ids: ['999999'] })], { isEnabled: false }));
    r = await api('PUT', `${V4}/flows/${draft.id}`, { body: { ...structuredClone(draft), isEnabled: true } });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.code).sort(), ['UNKNOWN_FLOW', 'UNKNOWN_OWNER']);
  });

  it('enrolls the record in the target flow, whose actions run; the source goes on', async () => {
    const target = await createFlow(flowBody('Target', [setProperty('1', 'jobtitle', 'handled by target')]));
    const source = await createFlow(flowBody('Source', [enrollIn('1', target.id, '2'), setProperty('2', 'lastname', 'after')]));
    const c = await createContact({ firstname: 'Go' });
    const e = await enrollAndEnd(source.id, c);
    assert.equal(e.status, 'COMPLETED', JSON.stringify(e));
    const step = stepOf(e, '1');
    assert.equal(step.outcome, 'SUCCEEDED');
    assert.equal(step.detail.enrollments[0].outcome, 'ENROLLED');
    const t = await ended(target.id, c);
    assert.equal(t.status, 'COMPLETED', JSON.stringify(t));
    assert.equal(String(t.id), step.detail.enrollments[0].enrollmentId);
    const props = (await call('GET', `/crm/v3/objects/contacts/${c}?properties=jobtitle,lastname`, 200)).properties;
    assert.equal(props.jobtitle, 'handled by target');
    assert.equal(props.lastname, 'after');

    // The target does not re-enroll: a second source's step enrolls nothing (SKIPPED) and goes on.
    const again = await createFlow(flowBody('Source 2', [enrollIn('1', target.id, '2'), setProperty('2', 'lastname', 'again')]));
    const e2 = await enrollAndEnd(again.id, c);
    assert.equal(e2.status, 'COMPLETED');
    assert.equal(stepOf(e2, '1').outcome, 'SKIPPED');
    assert.equal(stepOf(e2, '1').detail.enrollments[0].outcome, 'ALREADY_ENROLLED');
    assert.equal((await enrollmentsOf(target.id)).filter((x) => String(x.objectId) === String(c)).length, 1);
    assert.equal(await ownerOf(c, 'lastname'), 'again');
  });

  it('a record the target suppresses is not enrolled (SKIPPED); a re-enrolling target takes it again', async () => {
    const list = await call('POST', '/crm/v3/lists', 200, { name: 'Suppressed from target', objectTypeId: '0-1', processingType: 'MANUAL' });
    const listId = list.list.listId;
    const guarded = await createFlow(flowBody('Guarded target', [setProperty('1', 'jobtitle', 'guarded ran')],
      { suppressionListIds: [Number(listId)] }));
    const again = await createFlow(flowBody('Re-enrolling target', [setProperty('1', 'city', 'again ran')],
      { enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: true } }));
    const source = await createFlow(flowBody('Into guarded', [enrollIn('1', guarded.id, '2'), enrollIn('2', again.id)],
      { enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: true } }));
    const c = await createContact({ firstname: 'Guarded' });
    await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, 200, [c]);
    for (let round = 0; round < 2; round++) {
      await enroll(source.id, [c]);
      await advance();
      const e = await eventually(async () => {
        const mine = (await enrollmentsOf(source.id)).filter((x) => String(x.objectId) === String(c));
        return mine.length === round + 1 && mine.every((x) => x.status !== 'ACTIVE') ? mine.at(-1) : null;
      }, { label: `round ${round} of the source` });
      const full = await call('GET', `${V4}/flows/${source.id}/enrollments/${e.id}`, 200);
      assert.equal(full.status, 'COMPLETED');
      assert.equal(stepOf(full, '1').outcome, 'SKIPPED');
      assert.equal(stepOf(full, '1').detail.outcome, 'SUPPRESSED');
      assert.equal(stepOf(full, '2').outcome, 'SUCCEEDED', JSON.stringify(full));
      await eventually(async () => {
        const t = (await enrollmentsOf(again.id)).filter((x) => String(x.objectId) === String(c));
        return t.length === round + 1 && t.every((x) => x.status === 'COMPLETED');
      }, { label: `round ${round} of the re-enrolling target` });
    }
    assert.deepEqual(await enrollmentsOf(guarded.id), []);
    assert.equal(await ownerOf(c, 'city'), 'again ran');
    assert.equal(await ownerOf(c, 'jobtitle'), null);
  });

  it('a disabled target is SKIPPED, a deleted one fails the step', async () => {
    const disabled = await createFlow(flowBody('Disabled target', [setProperty('1', 'jobtitle', 'never')], { isEnabled: false }));
    const doomed = await createFlow(flowBody('Doomed target', [setProperty('1', 'jobtitle', 'never')]));
    const toDisabled = await createFlow(flowBody('To disabled', [enrollIn('1', disabled.id, '2'), setProperty('2', 'lastname', 'went on')]));
    const toDeleted = await createFlow(flowBody('To deleted', [enrollIn('1', doomed.id, '2'), setProperty('2', 'lastname', 'never')]));
    const c = await createContact({ firstname: 'Skip' });
    const e = await enrollAndEnd(toDisabled.id, c);
    assert.equal(e.status, 'COMPLETED');
    assert.equal(stepOf(e, '1').outcome, 'SKIPPED');
    assert.equal(stepOf(e, '1').detail.outcome, 'FLOW_DISABLED');
    assert.equal(await ownerOf(c, 'lastname'), 'went on');
    assert.deepEqual(await enrollmentsOf(disabled.id), []);

    await call('DELETE', `${V4}/flows/${doomed.id}`, 204);
    const d = await createContact({ firstname: 'Fail' });
    const f = await enrollAndEnd(toDeleted.id, d);
    assert.equal(f.status, 'FAILED', JSON.stringify(f));
    assert.equal(stepOf(f, '1').outcome, 'FAILED');
    assert.equal(await ownerOf(d, 'lastname'), null);
  });

  it('lists both action types in the catalogue', async () => {
    const r = await call('GET', '/automation/2026-09-beta/action-types?objectTypeId=0-1', 200);
    const byId = new Map(r.results.map((t) => [t.actionTypeId, t]));
    assert.deepEqual(byId.get('0-11')?.inputFieldDefinitions.map((f) => f.name),
      ['user_ids', 'target_property', 'overwrite_current_owner']);
    assert.deepEqual(byId.get('0-15')?.inputFieldDefinitions.map((f) => f.name), ['flow_id']);
  });
});

// Two processes on one PostgreSQL database take turns from one counter: the counter row is
// locked by the step's transaction, so each committed step has a slot of its own.
const PG = process.env.FLOWD_TEST_POSTGRES_URL;
describe('rotate record to owner: two processes on one PostgreSQL database',
  { skip: PG ? false : 'FLOWD_TEST_POSTGRES_URL is not set' }, () => {
    let a; let b;
    before(async () => {
      const { startServer, startPeer } = await import('./lib/server.mjs');
      const schema = `rot_${process.pid}_${Date.now()}`;
      a = await startServer({ scopes: SCOPES, dbUrl: `${PG}${PG.includes('?') ? '&' : '?'}schema=${schema}` });
      b = await startPeer(a);
    });
    after(async () => {
      await b?.stop();
      await a?.stop();
    });

    it('gives every enrollment a slot of its own and each owner its share', { timeout: 90_000 }, async () => {
      const { client } = await import('./lib/api.mjs');
      const api = client(a);
      const owners = ['p1', 'p2', 'p3'].map((n) => {
        const r = a.cli(['owner', 'create', '--db', a.dbUrl, '--account', String(a.accountId), '--email', `${n}@pg.example`]);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim();
      });
      const created = await api('POST', `${V4}/flows`, { body: flowBody('Rotate on PG', [rotate('1', { user_ids: owners })]) });
      assert.equal(created.status, 201, created.text);
      const flow = created.json;
      const N = 60;
      const inputs = Array.from({ length: N }, (_, i) => ({ properties: { email: `rot${i}@pg.example` } }));
      const made = await api('POST', '/crm/v3/objects/contacts/batch/create', { body: { inputs } });
      assert.equal(made.status, 201, made.text);
      const ids = made.json.results.map((c) => c.id);
      for (let i = 0; i < N; i += 10) {
        const r = await api('POST', `${V4}/flows/${flow.id}/enrollments`, { body: { objectIds: ids.slice(i, i + 10) } });
        assert.equal(r.status, 200, r.text);
      }
      let list = [];
      await eventually(async () => {
        const r = await api('GET', `${V4}/flows/${flow.id}/enrollments?limit=1000`);
        list = r.json.results;
        return list.length === N && list.every((e) => e.status === 'COMPLETED');
      }, { ms: 60_000, label: 'every enrollment to complete' });
      const slots = [];
      const counts = new Map();
      for (const e of list) {
        const full = (await api('GET', `${V4}/flows/${flow.id}/enrollments/${e.id}`)).json;
        const step = full.steps.find((s) => s.actionId === '1');
        slots.push(step.detail.slot);
        const c = await api('GET', `/crm/v3/objects/contacts/${e.objectId}?properties=hubspot_owner_id`);
        const owner = c.json.properties.hubspot_owner_id;
        assert.equal(owner, owners[step.detail.slot % 3]);
        counts.set(owner, (counts.get(owner) ?? 0) + 1);
      }
      assert.deepEqual([...slots].sort((x, y) => x - y), Array.from({ length: N }, (_, i) => i));
      assert.deepEqual([...counts.values()], [N / 3, N / 3, N / 3]);
    });
  });
