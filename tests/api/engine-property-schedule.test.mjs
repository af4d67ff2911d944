// PROPERTY_BASED enrollment schedules through the HTTP API (manual clock): a LIST_BASED flow
// enrolls each record on its own date — `dateProperty + daysDelta` days at `timeOfDay` (UTC) —
// when its filter accepts the record then; yearly on that date when `yearly` is set. The date
// follows the property (changed, cleared), existing records get theirs when the flow is enabled,
// a disabled flow enrolls nobody, and enabling checks the property.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client, assertError } from './lib/api.mjs';

const V4 = '/automation/v4';
const C = '/crm/v3/objects/contacts';
const MINUTE = 60_000;
const DAY = 86_400_000;
const BASE = [
  'automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.schemas.contacts.read', 'crm.schemas.contacts.write', 'flowd.admin',
];
const SENSITIVE = ['crm.objects.contacts.sensitive.read', 'crm.objects.contacts.sensitive.write',
  'crm.objects.contacts.highly_sensitive.read', 'crm.objects.contacts.highly_sensitive.write'];

const stageIs = (value) => ({
  filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
  filterBranches: [{
    filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [],
    filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage',
      operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: [value], includeObjectsWithNoValueSet: false } }],
  }],
});

function dateFlow(name, schedule, { shouldReEnroll = false, isEnabled = true } = {}) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled, name,
    startActionId: '1',
    actions: [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-1', actionTypeVersion: 0,
      fields: { delta: '1', time_unit: 'MINUTES' } }],
    enrollmentCriteria: { type: 'LIST_BASED', shouldReEnroll, unEnrollObjectsNotMeetingCriteria: false,
      listFilterBranch: stageIs('lead'), reEnrollmentTriggersFilterBranches: [] },
    enrollmentSchedule: { type: 'PROPERTY_BASED', dateProperty: 'renewal_date', daysDelta: 0, yearly: false,
      timeOfDay: { hour: 10, minute: 30 }, ...schedule },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false,
  };
}

const midnight = (ms) => Math.floor(ms / DAY) * DAY;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

describe('PROPERTY_BASED enrollment schedules (manual clock)', () => {
  let srv; let api; let seq = 0;
  before(async () => {
    srv = await startServer({ scopes: [...BASE, ...SENSITIVE], serveArgs: ['--clock', 'manual'] });
    api = client(srv);
    const props = [
      ['renewal_date', 'date', 'date', 'non_sensitive'],
      ['renewal_at', 'datetime', 'date', 'non_sensitive'],
      ['private_date', 'date', 'date', 'sensitive'],
      ['secret_date', 'date', 'date', 'highly_sensitive'],
    ];
    for (const [name, type, fieldType, dataSensitivity] of props) {
      const r = await api('POST', '/crm/v3/properties/contacts', { body: {
        name, label: name, type, fieldType, groupName: 'contactinformation', dataSensitivity } });
      assert.equal(r.status, 201, r.text);
    }
  });
  after(async () => { await srv?.stop(); });

  const now = async () => (await api('GET', '/flowd/v1/clock')).json.nowMs;
  const advanceTo = async (t) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: Math.max(1, t - await now()) } });
    assert.equal(r.status, 200, r.text);
    return r.json.nowMs;
  };
  const contact = async (properties) => {
    const r = await api('POST', C, { body: { properties: { email: `p${++seq}@example.com`, lifecyclestage: 'lead', ...properties } } });
    assert.equal(r.status, 201, r.text);
    mine.add(r.json.id);
    return r.json.id;
  };
  const update = async (id, properties) => {
    const r = await api('PATCH', `${C}/${id}`, { body: { properties } });
    assert.equal(r.status, 200, r.text);
  };
  const createFlow = async (body) => {
    const r = await api('POST', `${V4}/flows`, { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  // The records of this test (`mine`) enrolled in the flow, one entry per enrollment: the
  // records of earlier tests have dates too.
  let mine = new Set();
  const enrolled = async (flowId) => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments?limit=1000`);
    assert.equal(r.status, 200, r.text);
    return r.json.results.map((e) => String(e.objectId)).filter((id) => mine.has(id)).sort();
  };
  const enrollments = async (flowId) => (await api('GET', `${V4}/flows/${flowId}/enrollments?limit=1000`)).json.results;
  beforeEach(() => { mine = new Set(); });

  it('enrolls a record on its date at the time of day, and only then', async () => {
    const today = midnight(await now());
    const flow = await createFlow(dateFlow('On the date'));
    await advanceTo(await now() + 1);
    const a = await contact({ renewal_date: isoDate(today + 3 * DAY) });
    const b = await contact({ renewal_date: isoDate(today + 4 * DAY) });
    const due = today + 3 * DAY + 10 * 3_600_000 + 30 * MINUTE;
    await advanceTo(due - MINUTE);
    assert.deepEqual(await enrolled(flow.id), []);
    await advanceTo(due);
    assert.deepEqual(await enrolled(flow.id), [a]);
    const [e] = await enrollments(flow.id);
    assert.equal(e.source, 'SCHEDULE');
    await advanceTo(due + DAY);
    assert.deepEqual(await enrolled(flow.id), [a, b].sort());
  });

  it('shifts the date by daysDelta, before or after', async () => {
    const today = midnight(await now());
    const before = await createFlow(dateFlow('Two days before', { daysDelta: -2, timeOfDay: { hour: 8, minute: 0 } }));
    const afterFlow = await createFlow(dateFlow('Two days after', { daysDelta: 2, timeOfDay: { hour: 8, minute: 0 } }));
    const id = await contact({ renewal_date: isoDate(today + 5 * DAY) });
    await advanceTo(today + 3 * DAY + 8 * 3_600_000 - 1);
    assert.deepEqual(await enrolled(before.id), []);
    await advanceTo(today + 3 * DAY + 8 * 3_600_000);
    assert.deepEqual(await enrolled(before.id), [id]);
    assert.deepEqual(await enrolled(afterFlow.id), []);
    await advanceTo(today + 7 * DAY + 8 * 3_600_000);
    assert.deepEqual(await enrolled(afterFlow.id), [id]);
  });

  it('follows the property: a change reschedules, clearing removes, a past date never enrolls', async () => {
    const today = midnight(await now());
    const flow = await createFlow(dateFlow('Follows the property', { timeOfDay: { hour: 0, minute: 0 } }));
    const moved = await contact({ renewal_date: isoDate(today + 2 * DAY) });
    const cleared = await contact({ renewal_date: isoDate(today + 2 * DAY) });
    const past = await contact({ renewal_date: isoDate(today - 2 * DAY) });
    const notLead = await contact({ renewal_date: isoDate(today + 2 * DAY), lifecyclestage: 'customer' });
    const deleted = await contact({ renewal_date: isoDate(today + 2 * DAY) });
    await advanceTo(await now() + 1);
    await update(moved, { renewal_date: isoDate(today + 4 * DAY) });
    await update(cleared, { renewal_date: '' });
    assert.equal((await api('DELETE', `${C}/${deleted}`)).status, 204);
    await advanceTo(today + 2 * DAY + MINUTE);
    assert.deepEqual(await enrolled(flow.id), []);
    // The filter is read on the date: a customer that became a lead before it enrolls.
    await update(notLead, { lifecyclestage: 'lead' });
    await update(past, { renewal_date: isoDate(today + 3 * DAY) });
    await advanceTo(today + 3 * DAY + MINUTE);
    assert.deepEqual(await enrolled(flow.id), [past]);
    await advanceTo(today + 4 * DAY + MINUTE);
    assert.deepEqual(await enrolled(flow.id), [past, moved].sort());
    // notLead's date passed while it was not a lead: it is not enrolled later.
    await advanceTo(today + 6 * DAY);
    assert.deepEqual(await enrolled(flow.id), [past, moved].sort());
  });

  it('gives existing records their dates when the flow is enabled; a disabled flow enrolls nobody', async () => {
    const today = midnight(await now());
    const soon = await contact({ renewal_date: isoDate(today + 2 * DAY) });
    const later = await contact({ renewal_date: isoDate(today + 4 * DAY) });
    await advanceTo(await now() + 1);
    const flow = await createFlow(dateFlow('Existing records', { timeOfDay: { hour: 6, minute: 0 } }));
    await advanceTo(today + 2 * DAY + 6 * 3_600_000);
    assert.deepEqual(await enrolled(flow.id), [soon]);
    // Disabled before the second date: nothing enrolls on it.
    const got = (await api('GET', `${V4}/flows/${flow.id}`)).json;
    let r = await api('PUT', `${V4}/flows/${flow.id}`, { body: { ...got, isEnabled: false } });
    assert.equal(r.status, 200, r.text);
    await advanceTo(today + 4 * DAY + 6 * 3_600_000);
    assert.deepEqual(await enrolled(flow.id), [soon]);
    // Enabled again with a later time of day on the same day: the dates are computed afresh.
    r = await api('PUT', `${V4}/flows/${flow.id}`, { body: { ...r.json, isEnabled: true,
      enrollmentSchedule: { ...r.json.enrollmentSchedule, timeOfDay: { hour: 20, minute: 0 } } } });
    assert.equal(r.status, 200, r.text);
    await advanceTo(today + 4 * DAY + 20 * 3_600_000);
    assert.deepEqual(await enrolled(flow.id), [soon, later].sort());
  });

  it('a datetime property counts by its date', async () => {
    const today = midnight(await now());
    const flow = await createFlow(dateFlow('Datetime', { dateProperty: 'renewal_at', daysDelta: 1, timeOfDay: { hour: 9, minute: 15 } }));
    const id = await contact({ renewal_at: new Date(today + 2 * DAY + 17 * 3_600_000).toISOString() });
    await advanceTo(today + 3 * DAY + 9 * 3_600_000 + 14 * MINUTE);
    assert.deepEqual(await enrolled(flow.id), []);
    await advanceTo(today + 3 * DAY + 9 * 3_600_000 + 15 * MINUTE);
    assert.deepEqual(await enrolled(flow.id), [id]);
  });

  it('refuses on enabling an unknown, non-date or highly sensitive property, listing every problem', async () => {
    for (const [dateProperty, code] of [['no_such_date', 'UNKNOWN_PROPERTY'], ['firstname', 'INVALID_DATE_PROPERTY'],
      ['secret_date', 'HIGHLY_SENSITIVE_PROPERTY']]) {
      const r = await api('POST', `${V4}/flows`, { body: dateFlow('Bad', { dateProperty }) });
      assertError(r, 400, 'VALIDATION_ERROR');
      assert.ok(r.json.errors.some((e) => e.code === code && e.in === 'enrollmentSchedule.dateProperty'), r.text);
    }
    // Every problem at once: the property and the schedule's other fields.
    let r = await api('POST', `${V4}/flows`, { body: dateFlow('Worse', { dateProperty: 'firstname', daysDelta: 1e6 }) });
    assertError(r, 400, 'VALIDATION_ERROR');
    const where = r.json.errors.map((e) => e.in);
    for (const w of ['enrollmentSchedule.dateProperty', 'enrollmentSchedule.daysDelta']) {
      assert.ok(where.includes(w), r.text);
    }
    // Not LIST_BASED: there is no filter to read on the date.
    const manual = dateFlow('Manual');
    manual.enrollmentCriteria = { type: 'MANUAL', shouldReEnroll: false };
    r = await api('POST', `${V4}/flows`, { body: manual });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.ok(r.json.errors.some((e) => e.code === 'UNSUPPORTED_ENROLLMENT_SCHEDULE'), r.text);
    // A draft may hold any of them.
    r = await api('POST', `${V4}/flows`, { body: dateFlow('Draft', { dateProperty: 'no_such_date' }, { isEnabled: false }) });
    assert.equal(r.status, 201, r.text);
  });

  it('a sensitive dateProperty makes the flow reference sensitive data', async () => {
    const plain = srv.createToken(srv.accountId, { scopes: BASE, name: 'plain' });
    const denied = await api('POST', `${V4}/flows`, { token: plain, body: dateFlow('Sensitive', { dateProperty: 'private_date' }) });
    assertError(denied, 403, 'MISSING_SCOPES');
    const ok = await api('POST', `${V4}/flows`, { body: dateFlow('Sensitive', { dateProperty: 'private_date' }) });
    assert.equal(ok.status, 201, ok.text);
    const perf = await api('GET', `${V4}/flows/${ok.json.id}/enrollments`, { token: plain });
    assertError(perf, 403, 'MISSING_SCOPES');
  });

  // Last: it moves the clock two years on.
  it('yearly: every year on the anniversary, re-enrolling when allowed', async () => {
    const t = await now();
    const today = midnight(t);
    const d = new Date(today + 2 * DAY);
    const birthday = `1990-${isoDate(d).slice(5)}`;
    const again = await createFlow(dateFlow('Birthday', { yearly: true, timeOfDay: { hour: 12, minute: 0 } }, { shouldReEnroll: true }));
    const once = await createFlow(dateFlow('Birthday once', { yearly: true, timeOfDay: { hour: 12, minute: 0 } }));
    const id = await contact({ renewal_date: birthday });
    const at = (years) => Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate(), 12, 0);
    await advanceTo(at(0) - 1);
    assert.deepEqual(await enrolled(again.id), []);
    await advanceTo(at(0));
    assert.deepEqual(await enrolled(again.id), [id]);
    assert.deepEqual(await enrolled(once.id), [id]);
    await advanceTo(at(1) - MINUTE);
    assert.equal((await enrolled(again.id)).length, 1);
    await advanceTo(at(1));
    assert.equal((await enrolled(again.id)).length, 2);
    // (The enrollment's one-minute delay ends first: a record still ACTIVE is not enrolled again.)
    await advanceTo(at(2) - MINUTE);
    await advanceTo(at(2));
    assert.deepEqual(await enrolled(again.id), [id, id, id]);
    // shouldReEnroll false: once, ever.
    assert.deepEqual(await enrolled(once.id), [id]);
  });
});
