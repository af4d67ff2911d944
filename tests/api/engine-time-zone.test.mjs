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
