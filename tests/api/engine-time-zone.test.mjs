// The account's time zone (`flowd account set-time-zone`, GET /account-info/v3/details): time
// windows are read in it, as HubSpot reads them in the account's zone. Asia/Kolkata (UTC+05:30,
// no daylight saving time) makes every expected instant exact.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client, assertError } from './lib/api.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const DAY = 86_400_000;
const ZONE = 'Asia/Kolkata';
const OFFSET = 5.5 * 3_600_000;
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'flowd.admin'];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

describe('account time zone', () => {
  let srv; let api;
  before(async () => {
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
    // Before the server has read the account: no cache to wait for.
    const set = srv.cli(['account', 'set-time-zone', '--db', srv.dbUrl, '--account', srv.accountId, '--time-zone', ZONE]);
    assert.equal(set.code, 0, set.stderr);
  });
  after(async () => { await srv?.stop(); });

  it('the CLI validates and lists the zone', () => {
    const bad = srv.cli(['account', 'set-time-zone', '--db', srv.dbUrl, '--account', srv.accountId, '--time-zone', 'Mars/Olympus_Mons']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown time zone "Mars\/Olympus_Mons"/);
    const missing = srv.cli(['account', 'set-time-zone', '--db', srv.dbUrl, '--account', '999999999', '--time-zone', 'UTC']);
    assert.notEqual(missing.code, 0);
    const created = srv.cli(['account', 'create', '--db', srv.dbUrl, '--name', 'Paris', '--time-zone', 'Europe/Paris']);
    assert.equal(created.code, 0, created.stderr);
    const refused = srv.cli(['account', 'create', '--db', srv.dbUrl, '--name', 'Nowhere', '--time-zone', 'Nowhere/Else']);
    assert.notEqual(refused.code, 0);
    const list = srv.cli(['account', 'list', '--db', srv.dbUrl]);
    const accounts = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(accounts.find((a) => String(a.id) === srv.accountId).timeZone, ZONE);
    assert.equal(accounts.find((a) => a.name === 'Paris').timeZone, 'Europe/Paris');
    assert.ok(!accounts.some((a) => a.name === 'Nowhere'), 'a refused zone creates no account');
  });

  it('GET /account-info/v3/details answers with the zone and its offset', async () => {
    const r = await api('GET', '/account-info/v3/details', { validate: false });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.portalId, Number(srv.accountId));
    assert.equal(r.json.timeZone, ZONE);
    assert.equal(r.json.utcOffset, '+05:30');
    assert.equal(r.json.utcOffsetMilliseconds, OFFSET);
    assert.equal(r.json.accountType, 'STANDARD');
    assert.ok(Array.isArray(r.json.additionalCurrencies));
    assertError(await api('GET', '/account-info/v3/details', { token: null, validate: false }), 401, 'INVALID_AUTHENTICATION');
  });

  it('time windows are in the account zone', async () => {
    const now = (await api('GET', '/flowd/v1/clock')).json.nowMs;
    // Two days after today in Kolkata: never today in either zone, so the step is held.
    const localDay = new Date(now + OFFSET).getUTCDay();
    const flow = await api('POST', `${V4}/flows`, { body: {
      type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name: 'Kolkata window',
      startActionId: '1',
      actions: [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-5', actionTypeVersion: 0,
        fields: { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'opportunity' } } }],
      enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
      timeWindows: [{ day: DAYS[(localDay + 2) % 7], startTime: { hour: 9, minute: 0 }, endTime: { hour: 10, minute: 0 } }],
      blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [], canEnrollFromSalesforce: false,
    } });
    assert.equal(flow.status, 201, flow.text);
    const contact = await api('POST', '/crm/v3/objects/contacts', { body: { properties: { email: 'kolkata@example.com' } } });
    assert.equal(contact.status, 201, contact.text);
    const r = await api('POST', `${V4}/flows/${flow.json.id}/enrollments`, { body: { objectIds: [contact.json.id] } });
    assert.equal(r.status, 200, r.text);
    const eid = r.json.results[0].id;
    const get = async () => (await api('GET', `${V4}/flows/${flow.json.id}/enrollments/${eid}`)).json;
    const held = await eventually(async () => { const e = await get(); return e.steps.length ? e : null; }, { label: 'the step is held' });
    assert.equal(held.steps[0].outcome, 'DELAYED');
    const until = held.steps[0].detail.until;
    // 09:00 in Kolkata is 03:30 UTC, on the window's local day.
    assert.equal(new Date(until).getUTCHours(), 3, new Date(until).toISOString());
    assert.equal(new Date(until).getUTCMinutes(), 30, new Date(until).toISOString());
    assert.equal(new Date(until + OFFSET).getUTCDay(), (localDay + 2) % 7);
    assert.ok(until - now > DAY && until - now < 3 * DAY, `${until - now} ms`);
    const moved = await api('POST', '/flowd/v1/clock', { body: { advanceMs: until - now } });
    assert.equal(moved.status, 200, moved.text);
    const done = await eventually(async () => { const e = await get(); return e.status !== 'ACTIVE' ? e : null; }, { label: 'completed' });
    assert.equal(done.status, 'COMPLETED');
    const ran = Date.parse(done.steps.at(-1).startedAt);
    assert.ok(ran >= until && ran < until + 3_600_000, `ran inside the Kolkata window: ${done.steps.at(-1).startedAt}`);
  });
});

// A change of the account's zone while flows are enabled: the dates a PROPERTY_BASED flow already
// computed, and the stored next occurrence of a schedule, move to the new zone (the change
// records a pass that the running engine takes up: it reads the zone afresh, whatever its cache
// holds).
describe('account time zone changed while flows run', () => {
  let srv; let api;
  const SCHEMA_SCOPES = [...SCOPES, 'crm.schemas.contacts.read', 'crm.schemas.contacts.write'];
  before(async () => {
    srv = await startServer({ scopes: SCHEMA_SCOPES, serveArgs: ['--clock', 'manual'] });
    api = client(srv);
    const r = await api('POST', '/crm/v3/properties/contacts', { body: {
      name: 'renewal_date', label: 'Renewal date', type: 'date', fieldType: 'date', groupName: 'contactinformation' } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => { await srv?.stop(); });

  const nowMs = async () => (await api('GET', '/flowd/v1/clock')).json.nowMs;
  const advanceTo = async (t) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: Math.max(1, t - await nowMs()) } });
    assert.equal(r.status, 200, r.text);
    return r.json.nowMs;
  };
  const leads = {
    filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
    filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [],
      filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage',
        operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['lead'], includeObjectsWithNoValueSet: false } }] }],
  };
  const flow = async (name, enrollmentSchedule) => {
    const r = await api('POST', `${V4}/flows`, { body: {
      type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name, startActionId: '1',
      actions: [{ type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-1', actionTypeVersion: 0,
        fields: { delta: '1', time_unit: 'MINUTES' } }],
      enrollmentCriteria: { type: 'LIST_BASED', shouldReEnroll: true, unEnrollObjectsNotMeetingCriteria: false,
        listFilterBranch: leads, reEnrollmentTriggersFilterBranches: [] },
      enrollmentSchedule, timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [],
      suppressionListIds: [], canEnrollFromSalesforce: false,
    } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const enrollments = async (flowId, source) =>
    (await api('GET', `${V4}/flows/${flowId}/enrollments?limit=1000`)).json.results.filter((e) => e.source === source);

  it('moves PROPERTY_BASED dates already computed and the next occurrence of a schedule', async () => {
    const start = await nowMs();
    const today = Math.floor(start / DAY) * DAY;
    // Kolkata's whole hours are UTC's half hours: the first one more than an hour ahead is the
    // daily occurrence once the zone is Kolkata; in UTC the same time of day is 5.5 h later.
    let kolkata = Math.floor(start / 3_600_000) * 3_600_000 + 1_800_000;
    while (kolkata < start + 3_600_000) kolkata += 3_600_000;
    const hour = new Date(kolkata + OFFSET).getUTCHours();
    const scheduled = await flow('Daily at a Kolkata hour', { type: 'DAILY', timeOfDay: { hour, minute: 0 } });
    const dated = await flow('On the renewal date', { type: 'PROPERTY_BASED', dateProperty: 'renewal_date',
      daysDelta: 0, yearly: false, timeOfDay: { hour: 10, minute: 30 } });
    const renewal = today + 3 * DAY;
    const c = await api('POST', '/crm/v3/objects/contacts', { body: { properties: {
      email: 'renews@example.com', lifecyclestage: 'lead', renewal_date: new Date(renewal).toISOString().slice(0, 10) } } });
    assert.equal(c.status, 201, c.text);
    await advanceTo(start + 1);  // the passes of enabling ran; the date is computed in UTC

    const set = srv.cli(['account', 'set-time-zone', '--db', srv.dbUrl, '--account', srv.accountId, '--time-zone', ZONE]);
    assert.equal(set.code, 0, set.stderr);
    await advanceTo(start + 2);  // the engine re-times the account's flows

    // The occurrence: at the hour in Kolkata, 5.5 h before the same hour in UTC.
    await advanceTo(kolkata - 60_000);
    assert.equal((await enrollments(scheduled, 'SCHEDULE')).length, 0);
    await advanceTo(kolkata + 60_000);
    assert.ok((await enrollments(scheduled, 'SCHEDULE')).some((e) => String(e.objectId) === String(c.json.id)),
      'the occurrence ran at the Kolkata hour');

    // The date: 10:30 in Kolkata is 05:00 UTC.
    const due = renewal + 5 * 3_600_000;
    await advanceTo(due - 60_000);
    assert.equal((await enrollments(dated, 'SCHEDULE')).length, 0);
    await advanceTo(due);
    const [e] = await enrollments(dated, 'SCHEDULE');
    assert.ok(e, 'enrolled on the date at 10:30 in Kolkata');
    assert.equal(String(e.objectId), String(c.json.id));
  });
});
