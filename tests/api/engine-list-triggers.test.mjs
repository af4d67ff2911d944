// List membership triggers end to end: EVENT_BASED flows with listMembershipFilterBranches enroll
// a record when it is added to a list (IN_LIST) or removed from one (NOT_IN_LIST) — by hand
// through the lists API, by a DYNAMIC list's filter after a property change, or by another
// flow's list action. The membership events behind them stay internal: filters and the events
// API cannot name them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client, assertError } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const L = '/crm/v3/lists';
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.lists.read', 'crm.lists.write', 'analytics.behavioral_events.send', 'flowd.admin'];

const setProperty = (actionId, property, value, next) => ({
  type: 'SINGLE_CONNECTION', actionId, actionTypeId: '0-5', actionTypeVersion: 0,
  fields: { property_name: property, value: { type: 'STATIC_VALUE', staticValue: value } },
  ...(next ? { connection: { edgeType: 'STANDARD', nextActionId: next } } : {}),
});
const and = (filters) => ({ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [], filters });
const inList = (listId, operator = 'IN_LIST') => ({ filterType: 'IN_LIST', listId: String(listId), operator });
const enumIs = (property, value) => ({
  filterType: 'PROPERTY', property,
  operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: [value], includeObjectsWithNoValueSet: false },
});
const nameIs = (name) => ({
  filterBranchType: 'OR', filterBranches: [and([{ filterType: 'PROPERTY', property: 'firstname',
    operation: { operationType: 'MULTISTRING', operator: 'IS_EQUAL_TO', values: [name] } }])], filters: [],
});

function membershipFlow(name, branches, { shouldReEnroll = false, refinementCriteria, actions, isEnabled = true, eventFilterBranches = [] } = {}) {
  const acts = actions ?? [setProperty('1', 'jobtitle', name)];
  const enrollmentCriteria = { type: 'EVENT_BASED', shouldReEnroll, eventFilterBranches, listMembershipFilterBranches: branches };
  if (refinementCriteria) enrollmentCriteria.refinementCriteria = refinementCriteria;
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled, name,
    startActionId: acts[0].actionId, actions: acts, enrollmentCriteria,
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false,
  };
}

describe('engine: list membership triggers', () => {
  let srv; let api;
  before(async () => {
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
  });
  after(async () => srv?.stop());

  const advance = async (ms = 0) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: ms } });
    assert.equal(r.status, 200, r.text);
  };
  const createContact = async (properties) => {
    const r = await api('POST', '/crm/v3/objects/contacts', { body: { properties } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const createList = async (body) => {
    const r = await api('POST', L, { body: { objectTypeId: '0-1', processingType: 'MANUAL', ...body } });
    assert.equal(r.status, 200, r.text);
    return r.json.list.listId;
  };
  const members = async (listId, verb, ids) => {
    const r = await api('PUT', `${L}/${listId}/memberships/${verb}`, { body: ids });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const createFlow = async (body) => {
    const r = await api('POST', `${V4}/flows`, { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const enrollments = async (flowId) => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments`);
    assert.equal(r.status, 200, r.text);
    return r.json.results;
  };
  const enrolledIds = async (flowId) => (await enrollments(flowId)).map((e) => e.objectId).sort();

  it('adding a record to a MANUAL list enrolls it; records not added, and re-adds, do not', async () => {
    const listId = await createList({ name: 'Webinar attendees' });
    const other = await createList({ name: 'Other list' });
    const flow = await createFlow(membershipFlow('Added to list', [and([inList(listId)])]));
    const [ann, bob, cy] = [await createContact({ email: 'ann@l.example' }), await createContact({ email: 'bob@l.example' }),
      await createContact({ email: 'cy@l.example' })];
    await members(listId, 'add', [ann, bob]);
    await members(other, 'add', [cy]);
    await advance();
    assert.deepEqual(await enrolledIds(flow.id), [ann, bob].sort());
    const [e] = (await enrollments(flow.id)).filter((x) => x.objectId === ann);
    assert.equal(e.source, 'EVENT');
    const done = await eventually(async () => {
      const r = await api('GET', `${V4}/flows/${flow.id}/enrollments/${e.id}`);
      return r.json.status === 'COMPLETED' ? r.json : null;
    }, { label: 'the enrollment completes' });
    assert.deepEqual(done.steps.map((s) => s.actionId), ['1']);
    const c = await api('GET', `/crm/v3/objects/contacts/${ann}?properties=jobtitle`);
    assert.equal(c.json.properties.jobtitle, 'Added to list');
    // Adding a member again changes nothing: no event, no second enrollment (nor with re-enrollment off).
    await members(listId, 'add', [ann]);
    await advance();
    assert.equal((await enrollments(flow.id)).length, 2);
  });

  it('removal from a list (NOT_IN_LIST) enrolls; with shouldReEnroll every new removal enrolls again', async () => {
    const listId = await createList({ name: 'Subscribers' });
    const flow = await createFlow(membershipFlow('Removed from list', [and([inList(listId, 'NOT_IN_LIST')])], { shouldReEnroll: true }));
    const dan = await createContact({ email: 'dan@l.example' });
    const eve = await createContact({ email: 'eve@l.example' });
    await members(listId, 'add', [dan, eve]);
    await advance();
    assert.equal((await enrollments(flow.id)).length, 0, 'additions do not fire a removal trigger');
    await members(listId, 'remove', [dan]);
    await advance();
    assert.deepEqual(await enrolledIds(flow.id), [dan]);
    // Removing a record that is not a member is no change.
    await members(listId, 'remove', [dan]);
    await advance();
    assert.equal((await enrollments(flow.id)).length, 1);
    // Back in, out again: a second enrollment once the first has ended.
    await eventually(async () => (await enrollments(flow.id)).every((e) => e.status === 'COMPLETED'), { label: 'first enrollment ends' });
    await members(listId, 'add', [dan]);
    await members(listId, 'remove', [dan]);
    await advance();
    assert.equal((await enrollments(flow.id)).filter((e) => e.objectId === dan).length, 2);
    // Clearing the list removes every member: eve's removal fires too.
    const clear = await api('DELETE', `${L}/${listId}/memberships`);
    assert.equal(clear.status, 204, clear.text);
    await advance();
    assert.ok((await enrolledIds(flow.id)).includes(eve), 'clearing the list is a removal of each member');
  });

  it('a DYNAMIC list gaining a record through a property change enrolls it', async () => {
    const listId = await createList({ name: 'Dynamos', processingType: 'DYNAMIC', filterBranch: nameIs('Dyna') });
    const flow = await createFlow(membershipFlow('Joined dynamic list', [and([inList(listId)])]));
    const id = await createContact({ email: 'dyna@l.example', firstname: 'Other' });
    const untouched = await createContact({ email: 'plain@l.example', firstname: 'Other' });
    const u = await api('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: { firstname: 'Dyna' } } });
    assert.equal(u.status, 200, u.text);
    await eventually(async () => {
      const m = await api('GET', `${L}/${listId}/memberships`);
      return m.json.results?.some((r) => r.recordId === id);
    }, { label: 'the list processor adds the contact' });
    const [e] = await eventually(async () => {
      await advance();
      const list = await enrollments(flow.id);
      return list.length ? list : null;
    }, { label: 'the membership change enrolls' });
    assert.equal(e.objectId, id);
    assert.ok(!(await enrolledIds(flow.id)).includes(untouched));
  });

  it('refinementCriteria narrow a membership trigger; another flow\'s list action fires it', async () => {
    const listId = await createList({ name: 'Hot leads' });
    const flow = await createFlow(membershipFlow('Hot customers', [and([inList(listId)])], {
      refinementCriteria: { filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: [and([enumIs('lifecyclestage', 'customer')])] },
    }));
    const adder = await createFlow({
      ...membershipFlow('Adds to hot leads', [], { actions: [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-63809083', actionTypeVersion: 0, fields: { listId } }] }),
      enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    });
    const customer = await createContact({ email: 'cust@l.example', lifecyclestage: 'customer' });
    const lead = await createContact({ email: 'lead@l.example', lifecyclestage: 'lead' });
    const r = await api('POST', `${V4}/flows/${adder.id}/enrollments`, { body: { objectIds: [customer, lead] } });
    assert.equal(r.status, 200, r.text);
    await eventually(async () => (await enrollments(adder.id)).every((e) => e.status === 'COMPLETED'), { label: 'the list action runs' });
    await advance();
    assert.deepEqual(await enrolledIds(flow.id), [customer], 'only the customer passes the refinement');
  });

  it('a list-based flow reading list membership enrolls and unenrolls on membership changes', async () => {
    const listId = await createList({ name: 'Trial users' });
    const flow = await createFlow({
      ...membershipFlow('Trial nurture', [], { actions: [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-1', actionTypeVersion: 0, fields: { delta: '60', time_unit: 'MINUTES' } }] }),
      enrollmentCriteria: { type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: true,
        listFilterBranch: { filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: [and([inList(listId)])] },
        reEnrollmentTriggersFilterBranches: [] },
    });
    const id = await createContact({ email: 'trial@l.example' });
    await members(listId, 'add', [id]);
    await advance();
    const [e] = await enrollments(flow.id);
    assert.equal(e?.objectId, id, 'enrolled on joining the list');
    assert.equal(e.source, 'LIST');
    await members(listId, 'remove', [id]);
    await advance();
    const out = await api('GET', `${V4}/flows/${flow.id}/enrollments/${e.id}`);
    assert.equal(out.json.status, 'UNENROLLED', out.text);
    assert.equal(out.json.reason, 'CRITERIA_NOT_MET');
  });

  it('refuses to enable triggers that could never fire, listing every problem; drafts are kept', async () => {
    const body = membershipFlow('Never fires', [and([enumIs('lifecyclestage', 'lead')]), and([inList('1', 'SOMETIMES')])], {
      eventFilterBranches: [{ filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND', eventTypeId: 'flowd.list_membership_changed',
        operator: 'HAS_COMPLETED', filterBranches: [], filters: [] }],
    });
    const r = await api('POST', `${V4}/flows`, { body });
    assertError(r, 400, 'VALIDATION_ERROR');
    const where = r.json.errors.map((e) => e.in);
    assert.ok(where.includes('enrollmentCriteria.listMembershipFilterBranches[0]'), r.text);
    assert.ok(where.some((w) => w.startsWith('enrollmentCriteria.listMembershipFilterBranches[1]')), r.text);
    assert.ok(where.includes('enrollmentCriteria.eventFilterBranches[0].eventTypeId'), r.text);
    const draft = await api('POST', `${V4}/flows`, { body: { ...body, isEnabled: false } });
    assert.equal(draft.status, 201, draft.text);
    const on = await api('PUT', `${V4}/flows/${draft.json.id}`, { body: { ...draft.json, isEnabled: true } });
    assertError(on, 400, 'VALIDATION_ERROR');
    assert.equal(on.json.errors.length, 3, on.text);
  });

  it('membership events stay internal: list filters and the events API cannot name them', async () => {
    const filter = { filterBranchType: 'OR', filters: [], filterBranches: [{
      filterBranchType: 'AND', filters: [], filterBranches: [{
        filterBranchType: 'UNIFIED_EVENTS', eventTypeId: 'flowd.list_membership_changed', operator: 'HAS_COMPLETED',
        filterBranches: [], filters: [] }] }] };
    const list = await api('POST', L, { body: { name: 'Peeks at internals', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: filter } });
    assertError(list, 400, 'VALIDATION_ERROR', /internal/);
    const sent = await api('POST', '/events/v3/send', { body: { eventName: 'flowd.list_membership_changed', objectId: '1', properties: {} } });
    assert.equal(sent.status, 400, sent.text);
  });
});
