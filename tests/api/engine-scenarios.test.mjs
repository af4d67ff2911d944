// The engine end to end, through the HTTP API only: real flows enroll real records and their
// actions run against real receivers on loopback (an SMTP sink, an HTTP receiver), with the
// server's clock frozen (`serve --clock manual`) and moved by POST /flowd/v1/clock, which returns
// once the work that became due has run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { client, assertError } from './lib/api.mjs';
import { startSmtpSink, startHttpReceiver, eventually } from './lib/sinks.mjs';
import { contactForm } from './lib/forms-fixtures.mjs';

const V4 = '/automation/v4';
const DAY = 86_400_000;
const SCOPES = ['automation', 'forms', 'content', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.deals.read', 'crm.objects.deals.write', 'tickets', 'crm.lists.read', 'crm.lists.write',
  'flowd.admin'];

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

function propertyEq(property, operationType, operator, value) {
  const operation = operationType === 'ENUMERATION'
    ? { operationType, operator, values: [value], includeObjectsWithNoValueSet: false }
    : { operationType, operator, value, includeObjectsWithNoValueSet: false };
  return {
    filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
    filterBranches: [{
      filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [],
      filters: [{ filterType: 'PROPERTY', property, operation }],
    }],
  };
}

function contactFlow(name, actions, enrollmentCriteria, extra = {}) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: actions[0]?.actionId, actions, enrollmentCriteria,
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false, ...extra,
  };
}

const manual = { type: 'MANUAL', shouldReEnroll: false };

describe('engine scenarios', () => {
  let srv; let api; let smtp; let hook;
  const hookAnswers = [];

  before(async () => {
    smtp = await startSmtpSink();
    hook = await startHttpReceiver((req, body, n) => hookAnswers[n] ?? { status: 200, body: { ok: true, score: 42 } });
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual', '--smtp', smtp.url] });
    api = client(srv);
  });
  after(async () => {
    await srv?.stop();
    await smtp?.close();
    await hook?.close();
  });

  const advance = async (ms) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: ms } });
    assert.equal(r.status, 200, r.text);
    return r.json.nowMs;
  };
  const createContact = async (properties) => {
    const r = await api('POST', '/crm/v3/objects/contacts', { body: { properties } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const createFlow = async (body) => {
    const r = await api('POST', `${V4}/flows`, { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const enrollments = async (flowId, status) => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments${status ? `?status=${status}` : ''}`);
    assert.equal(r.status, 200, r.text);
    return r.json.results;
  };
  const enrollment = async (flowId, id) => {
    const r = await api('GET', `${V4}/flows/${flowId}/enrollments/${id}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const enroll = async (flowId, objectIds) => api('POST', `${V4}/flows/${flowId}/enrollments`, { body: { objectIds } });
  const finished = (flowId, id) => eventually(async () => {
    const e = await enrollment(flowId, id);
    return e.status !== 'ACTIVE' ? e : null;
  }, { label: `enrollment ${id} to end` });

  it('seed example: form submission → create ticket → 1-day delay → marketing email over SMTP', async () => {
    const form = await api('POST', '/marketing/v3/forms', { body: contactForm });
    assert.equal(form.status, 201, form.text);
    const email = await api('POST', '/marketing/v3/emails', { body: {
      name: 'Follow-up', subject: 'Thanks {{ contact.firstname }}',
      from: { fromName: 'Team', replyTo: 'team@example.com' },
      content: { widgets: { m: { type: 'module', body: { html: '<p>Hello {{ contact.firstname }}</p>' } } } },
    } });
    assert.equal(email.status, 201, email.text);
    const flow = await createFlow(contactFlow('Webinar follow-up', [
      single('1', '0-14', {
        object_type_id: '0-5',
        properties: [
          { targetProperty: 'subject', value: { type: 'STATIC_VALUE', staticValue: 'Call {{ enrolled_object.firstname }}' } },
          { targetProperty: 'hs_pipeline', value: { type: 'STATIC_VALUE', staticValue: '0' } },
          { targetProperty: 'hs_pipeline_stage', value: { type: 'STATIC_VALUE', staticValue: '1' } },
        ],
        associations: [{ target: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 16 }, value: { type: 'ENROLLED_OBJECT' } }],
        use_explicit_associations: 'true',
      }, '2'),
      single('2', '0-1', { delta: '1440', time_unit: 'MINUTES' }, '3'),
      single('3', '0-4', { content_id: email.json.id }),
    ], {
      type: 'EVENT_BASED', shouldReEnroll: false, listMembershipFilterBranches: [],
      eventFilterBranches: [{
        filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND', eventTypeId: '4-1639801',
        operator: 'HAS_COMPLETED', filterBranches: [],
        filters: [{ filterType: 'PROPERTY', property: 'hs_form_id',
          operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: [form.json.id], includeObjectsWithNoValueSet: false } }],
      }],
    }));

    const submit = await api('POST', `/submissions/v3/integration/submit/${srv.accountId}/${form.json.id}`, {
      token: null,
      body: { fields: [{ objectTypeId: '0-1', name: 'email', value: 'ann@example.com' }, { objectTypeId: '0-1', name: 'firstname', value: 'Ann' }] },
    });
    assert.equal(submit.status, 200, submit.text);

    const [e] = await eventually(async () => {
      const list = await enrollments(flow.id);
      return list.length === 1 && list[0].executions >= 2 ? list : null;
    }, { label: 'enrollment through the first two actions' });
    assert.equal(e.status, 'ACTIVE');
    assert.equal(e.source, 'EVENT');
    const waiting = await enrollment(flow.id, e.id);
    assert.equal(waiting.nextAction.actionId, '3');
    assert.equal(smtp.messages.length, 0, 'nothing is sent before the delay is over');

    // The ticket exists, with the personalised subject, associated with the contact.
    const tickets = await api('GET', `/crm/v3/objects/tickets?properties=subject&associations=contacts`);
    assert.equal(tickets.status, 200, tickets.text);
    const ticket = tickets.json.results.find((t) => t.properties.subject === 'Call Ann');
    assert.ok(ticket, `ticket created: ${tickets.text}`);
    assert.equal(ticket.associations?.contacts?.results?.[0]?.id, e.objectId);

    await advance(DAY - 60_000);
    assert.equal(smtp.messages.length, 0, 'a minute before the day is over, still nothing');
    await advance(60_000);
    const done = await finished(flow.id, e.id);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(smtp.messages.length, 1);
    const m = smtp.messages[0];
    assert.match(m.to[0], /ann@example\.com/);
    assert.match(m.headers.subject, /Thanks Ann/);
    // The idempotency key enrollmentId:actionId:executionIndex, with '.' for ':' (RFC 5322 msg-id).
    assert.ok(m.headers['message-id'].startsWith(`<${e.id}.3.2@`), `Message-ID carries the idempotency key: ${m.headers['message-id']}`);
    assert.deepEqual(done.steps.map((s) => s.actionId), ['1', '2', '3']);
    assert.deepEqual(done.steps.map((s) => s.outcome), ['SUCCEEDED', 'DELAYED', 'SUCCEEDED']);

    const outbox = await api('GET', '/flowd/v1/emails');
    assert.equal(outbox.status, 200);
    assert.equal(outbox.json.results[0].delivery, 'SMTP');
    // A second submission of the same contact does not re-enroll (shouldReEnroll false).
    await api('POST', `/submissions/v3/integration/submit/${srv.accountId}/${form.json.id}`, {
      token: null, body: { fields: [{ objectTypeId: '0-1', name: 'email', value: 'ann@example.com' }] },
    });
    await advance(0);
    assert.equal((await enrollments(flow.id)).length, 1);
  });

  it('webhook retries on 503 with backoff, then succeeds, carrying the same Idempotency-Key', async () => {
    hookAnswers.length = 0;
    hook.requests.length = 0;
    hookAnswers.push({ status: 503 }, { status: 503 });
    const flow = await createFlow(contactFlow('Webhook', [
      { type: 'WEBHOOK', actionId: '1', webhookUrl: `${hook.url}/hook`, method: 'POST', queryParams: [] },
    ], manual));
    const id = await createContact({ email: 'hook@example.com' });
    const r = await enroll(flow.id, [id]);
    assert.equal(r.status, 200, r.text);
    const eid = r.json.results[0].id;
    await eventually(() => hook.requests.length >= 1, { label: 'first attempt' });
    // The first attempt runs on the pool, not within an advance: it must be recorded before the
    // clock moves, or the move passes its lease, the job is due again and that attempt is
    // delivered twice (advance itself returns once the external steps it made due have run).
    await eventually(async () => (await enrollment(flow.id, eid)).steps.length >= 1,
      { label: 'first attempt recorded' });
    // Each retry waits: moving the clock makes it due.
    for (let i = 0; i < 10 && hook.requests.length < 3; i++) await advance(10 * 60_000);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    assert.equal(hook.requests.length, 3);
    const keys = new Set(hook.requests.map((q) => q.headers['idempotency-key']));
    assert.equal(keys.size, 1, 'every attempt carries the same key');
    assert.equal([...keys][0], `${eid}:1:0`);
    assert.deepEqual(done.steps.map((s) => s.outcome), ['RETRYING', 'RETRYING', 'SUCCEEDED']);
  });

  it('a webhook answered 400 fails the enrollment, recorded', async () => {
    hookAnswers.length = 0;
    hook.requests.length = 0;
    hookAnswers.push({ status: 400 });
    const flow = await createFlow(contactFlow('Webhook 4xx', [
      { type: 'WEBHOOK', actionId: '1', webhookUrl: `${hook.url}/bad`, method: 'POST', queryParams: [] },
    ], manual));
    const id = await createContact({ email: 'bad-hook@example.com' });
    const r = await enroll(flow.id, [id]);
    const done = await finished(flow.id, r.json.results[0].id);
    assert.equal(done.status, 'FAILED');
    assert.equal(done.steps.at(-1).outcome, 'FAILED');
  });

  it('custom code output feeds a static branch', async () => {
    const flow = await createFlow(contactFlow('Code branch', [
      { type: 'CUSTOM_CODE', actionId: '1', runtime: 'NODE20X', secretNames: [], inputFields: [
        { name: 'email', value: { type: 'OBJECT_PROPERTY', propertyName: 'email' } }],
      sourceCode: "exports.main = async (event, callback) => callback({ outputFields: { tier: event.inputFields.email.endsWith('@vip.example') ? 'gold' : 'basic' } });",
      outputFields: [{ type: 'ENUMERATION', name: 'tier', options: ['gold', 'basic'] }],
      connection: { edgeType: 'STANDARD', nextActionId: '2' } },
      { type: 'STATIC_BRANCH', actionId: '2', inputValue: { type: 'FIELD_DATA', actionId: '1', dataKey: 'tier' },
        staticBranches: [{ branchValue: 'gold', connection: { edgeType: 'STANDARD', nextActionId: '3' } }],
        defaultBranch: { edgeType: 'STANDARD', nextActionId: '4' } },
      single('3', '0-5', { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'customer' } }),
      single('4', '0-5', { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'lead' } }),
    ], manual));
    const gold = await createContact({ email: 'g@vip.example' });
    const basic = await createContact({ email: 'b@plain.example' });
    const r = await enroll(flow.id, [gold, basic]);
    assert.equal(r.status, 200, r.text);
    for (const e of r.json.results) {
      const done = await finished(flow.id, e.id);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    }
    const read = async (id) => (await api('GET', `/crm/v3/objects/contacts/${id}?properties=lifecyclestage`)).json.properties.lifecyclestage;
    assert.equal(await read(gold), 'customer');
    assert.equal(await read(basic), 'lead');
  });

  it('list-based deal flow: existing records enroll on enabling, records enroll when they start to match, unenroll when they stop', async () => {
    const deal = async (properties) => {
      const r = await api('POST', '/crm/v3/objects/deals', { body: { properties } });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const before = await deal({ dealname: 'Existing', dealstage: 'qualifiedtobuy', pipeline: 'default' });
    const body = {
      type: 'PLATFORM_FLOW', objectTypeId: '0-3', flowType: 'WORKFLOW', isEnabled: true, name: 'Deal follow-up',
      startActionId: '1',
      actions: [
        single('1', '0-1', { delta: '60', time_unit: 'MINUTES' }, '2'),
        single('2', '0-5', { property_name: 'description', value: { type: 'STATIC_VALUE', staticValue: 'followed up' } }),
      ],
      enrollmentCriteria: {
        type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: true,
        listFilterBranch: propertyEq('dealstage', 'ENUMERATION', 'IS_ANY_OF', 'qualifiedtobuy'),
        reEnrollmentTriggersFilterBranches: [],
      },
      timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [],
    };
    const flow = await createFlow(body);
    const existing = await eventually(async () => (await enrollments(flow.id)).find((e) => e.objectId === before), { label: 'existing deal enrolled' });
    assert.equal(existing.source, 'LIST');
    const later = await deal({ dealname: 'New', dealstage: 'appointmentscheduled', pipeline: 'default' });
    const upd = await api('PATCH', `/crm/v3/objects/deals/${later}`, { body: { properties: { dealstage: 'qualifiedtobuy' } } });
    assert.equal(upd.status, 200, upd.text);
    const fresh = await eventually(async () => (await enrollments(flow.id)).find((e) => e.objectId === later), { label: 'deal enrolls when it starts to match' });
    // No longer meeting the criteria takes the first deal out before its delay is over.
    const won = await api('PATCH', `/crm/v3/objects/deals/${before}`, { body: { properties: { dealstage: 'closedwon' } } });
    assert.equal(won.status, 200, won.text);
    const out = await eventually(async () => {
      const e = await enrollment(flow.id, existing.id);
      return e.status === 'UNENROLLED' ? e : null;
    }, { label: 'unenrolled when it stops matching' });
    assert.equal(out.reason, 'CRITERIA_NOT_MET');
    await advance(60 * 60_000);
    const done = await finished(flow.id, fresh.id);
    assert.equal(done.status, 'COMPLETED');
    const d = await api('GET', `/crm/v3/objects/deals/${later}?properties=description`);
    assert.equal(d.json.properties.description, 'followed up');
    const untouched = await api('GET', `/crm/v3/objects/deals/${before}?properties=description`);
    assert.ok(!untouched.json.properties.description, 'the unenrolled deal never reached the set-property action');
    // Performance: two enrollments, one completed, one unenrolled.
    const perf = await api('GET', `${V4}/flows/performance/${flow.id}?bucketType=DAY`);
    assert.equal(perf.status, 200, perf.text);
    const total = (series) => perf.json.results.filter((p) => p.series === series).reduce((a, p) => a + p.frequency, 0);
    assert.equal(total('ENROLLED'), 2);
    assert.equal(total('COMPLETED'), 1);
    assert.equal(total('UNENROLLED'), 1);
    assert.equal(total('ACTIONS_EXECUTED') >= 3, true);
  });

  it('a goal ends the enrollment; suppression lists keep records out', async () => {
    const list = await api('POST', '/crm/v3/lists', { body: { name: 'Do not contact', objectTypeId: '0-1', processingType: 'MANUAL' } });
    assert.equal(list.status, 200, list.text);
    const listId = list.json.list.listId;
    const suppressed = await createContact({ email: 'suppressed@example.com' });
    const add = await api('PUT', `/crm/v3/lists/${listId}/memberships/add`, { body: [suppressed] });
    assert.equal(add.status, 200, add.text);
    const flow = await createFlow(contactFlow('Goal', [
      single('1', '0-1', { delta: '60', time_unit: 'MINUTES' }, '2'),
      single('2', '0-5', { property_name: 'jobtitle', value: { type: 'STATIC_VALUE', staticValue: 'reached' } }),
    ], manual, {
      goalFilterBranch: propertyEq('lifecyclestage', 'ENUMERATION', 'IS_ANY_OF', 'customer'),
      suppressionListIds: [Number(listId)],
    }));
    const id = await createContact({ email: 'goal@example.com' });
    const r = await enroll(flow.id, [id, suppressed]);
    assert.equal(r.status, 207, r.text);
    assert.equal(r.json.errors[0].context.objectId[0], suppressed);
    assert.match(r.json.errors[0].message, /suppress/);
    const eid = r.json.results[0].id;
    await api('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: { lifecyclestage: 'customer' } } });
    const met = await eventually(async () => {
      const e = await enrollment(flow.id, eid);
      return e.status === 'GOAL_MET' ? e : null;
    }, { label: 'goal met' });
    assert.equal(met.reason, 'GOAL_MET');
    await advance(2 * 60 * 60_000);
    const c = await api('GET', `/crm/v3/objects/contacts/${id}?properties=jobtitle`);
    assert.ok(!c.json.properties.jobtitle, 'the actions after the goal never ran');
  });

  it('event-based re-enrollment: each matching property change enrolls again once the last one ended', async () => {
    const flow = await createFlow(contactFlow('Re-enroll', [
      single('1', '0-5', { property_name: 'hs_lead_status', value: { type: 'STATIC_VALUE', staticValue: 'OPEN' } }),
    ], {
      type: 'EVENT_BASED', shouldReEnroll: true, listMembershipFilterBranches: [],
      eventFilterBranches: [{
        filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND', eventTypeId: '4-655002',
        operator: 'HAS_COMPLETED', filterBranches: [],
        filters: [{ filterType: 'PROPERTY', property: 'hs_name',
          operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'jobtitle', includeObjectsWithNoValueSet: false } }],
      }],
    }));
    const id = await createContact({ email: 'again@example.com' });
    for (const title of ['a', 'b']) {
      const u = await api('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: { jobtitle: title } } });
      assert.equal(u.status, 200, u.text);
      await eventually(async () => (await enrollments(flow.id, 'COMPLETED')).length === (title === 'a' ? 1 : 2), { label: `enrollment after ${title}` });
    }
    // A change of another property does not trigger.
    await api('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: { firstname: 'X' } } });
    await advance(0);
    assert.equal((await enrollments(flow.id)).length, 2);
  });

  it('time windows hold an action until the window opens', async () => {
    const flow = await createFlow(contactFlow('Windowed', [
      single('1', '0-5', { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'opportunity' } }),
    ], manual, {
      // A window on a day that is not today (UTC): the action waits for it.
      timeWindows: [{ day: ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'][(new Date((await api('GET', '/flowd/v1/clock')).json.nowMs).getUTCDay() + 2) % 7],
        startTime: { hour: 9, minute: 0 }, endTime: { hour: 10, minute: 0 } }],
    }));
    const id = await createContact({ email: 'window@example.com' });
    const r = await enroll(flow.id, [id]);
    const eid = r.json.results[0].id;
    const waiting = await eventually(async () => {
      const e = await enrollment(flow.id, eid);
      return e.steps.length ? e : null;
    }, { label: 'the step is held' });
    assert.equal(waiting.steps[0].outcome, 'DELAYED');
    assert.equal(waiting.status, 'ACTIVE');
    const until = waiting.steps[0].detail.until;
    const now = (await api('GET', '/flowd/v1/clock')).json.nowMs;
    assert.ok(until > now && until - now < 3 * DAY, `held until the window: ${until - now} ms`);
    await advance(until - now);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED');
    const ran = done.steps.at(-1);
    const day = new Date(ran.startedAt).getUTCHours();
    assert.ok(day >= 9 && day < 10, `ran inside the window: ${ran.startedAt}`);
  });

  it('manual enrollment: 207 per-record errors, re-enrollment off, unenroll, v2 endpoints', async () => {
    const flow = await createFlow(contactFlow('Manual', [
      single('1', '0-1', { delta: '10', time_unit: 'DAYS' }),
    ], manual));
    const a = await createContact({ email: 'm1@example.com' });
    const r = await enroll(flow.id, [a, '999999999']);
    assert.equal(r.status, 207, r.text);
    assert.equal(r.json.results.length, 1);
    assert.equal(r.json.errors.length, 1);
    const again = await enroll(flow.id, [a]);
    assert.equal(again.status, 207);
    assert.equal(again.json.errors[0].category, 'CONFLICT', again.text);
    assert.deepEqual(again.json.errors[0].context.objectId, [a]);
    const eid = r.json.results[0].id;
    const del = await api('DELETE', `${V4}/flows/${flow.id}/enrollments/${eid}`);
    assert.equal(del.status, 204);
    assert.equal((await enrollment(flow.id, eid)).status, 'UNENROLLED');
    assertError(await api('DELETE', `${V4}/flows/${flow.id}/enrollments/${eid}`), 409, 'CONFLICT');
    assertError(await enroll(flow.id, []), 400, 'VALIDATION_ERROR');
    assertError(await enroll(flow.id, Array.from({ length: 1001 }, (_, i) => String(i + 1))), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', `${V4}/flows/${flow.id}/enrollments?status=NOPE`), 400, 'VALIDATION_ERROR');

    // v2: by email, with the flow's legacy workflow id.
    const map = await api('POST', `${V4}/workflow-id-mappings/batch/read`, { body: { inputs: [{ flowMigrationStatusForClassicWorkflows: 'x', type: 'FLOW_ID', flowId: flow.id }] } });
    const workflowId = map.json.results?.[0]?.workflowId;
    assert.ok(workflowId, map.text);
    const b = await createContact({ email: 'v2@example.com' });
    const v2 = await api('POST', `/automation/v2/workflows/${workflowId}/enrollments/contacts/v2@example.com`, { validate: false });
    assert.equal(v2.status, 204, v2.text);
    const current = await api('GET', `/automation/v2/workflows/enrollments/contacts/${b}`, { validate: false });
    assert.equal(current.status, 200);
    assert.ok(current.json.some((w) => w.flowId === flow.id));
    const out = await api('DELETE', `/automation/v2/workflows/${workflowId}/enrollments/contacts/v2@example.com`, { validate: false });
    assert.equal(out.status, 204);
    const none = await api('GET', `/automation/v2/workflows/enrollments/contacts/${b}`, { validate: false });
    assert.ok(!none.json.some((w) => w.flowId === flow.id));
  });

  it('disabling a flow pauses its enrollments; re-enabling resumes them; deleting unenrolls', async () => {
    const flow = await createFlow(contactFlow('Pause', [
      single('1', '0-1', { delta: '60', time_unit: 'MINUTES' }, '2'),
      single('2', '0-5', { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'evangelist' } }),
    ], manual));
    const id = await createContact({ email: 'pause@example.com' });
    const r = await enroll(flow.id, [id]);
    const eid = r.json.results[0].id;
    await eventually(async () => (await enrollment(flow.id, eid)).nextAction?.actionId === '2', { label: 'delay reached' });
    const got = (await api('GET', `${V4}/flows/${flow.id}`)).json;
    const off = await api('PUT', `${V4}/flows/${flow.id}`, { body: { ...got, isEnabled: false } });
    assert.equal(off.status, 200, off.text);
    await advance(2 * 60 * 60_000);
    const paused = await enrollment(flow.id, eid);
    assert.equal(paused.status, 'ACTIVE');
    assert.equal(paused.nextAction.paused, true);
    const on = await api('PUT', `${V4}/flows/${flow.id}`, { body: { ...off.json, isEnabled: true } });
    assert.equal(on.status, 200, on.text);
    await advance(0);
    assert.equal((await finished(flow.id, eid)).status, 'COMPLETED');

    const id2 = await createContact({ email: 'pause2@example.com' });
    const r2 = await enroll(flow.id, [id2]);
    assert.equal((await api('DELETE', `${V4}/flows/${flow.id}`)).status, 204);
    // The flow is gone: its enrollments are ended (read back through the v2 endpoint).
    const none = await api('GET', `/automation/v2/workflows/enrollments/contacts/${id2}`, { validate: false });
    assert.deepEqual(none.json, []);
    assert.ok(r2.json.results[0].id);
  });

  it('the clock and metrics need flowd.admin; metrics are Prometheus text', async () => {
    const plain = srv.createToken(srv.accountId, { scopes: ['automation'] });
    assertError(await api('POST', '/flowd/v1/clock', { body: { advanceMs: 1 }, token: plain }), 403, 'MISSING_SCOPES');
    assertError(await api('POST', '/flowd/v1/clock', { body: { advanceMs: -5 } }), 400, 'VALIDATION_ERROR');
    const m = await fetch(`${srv.baseUrl}/metrics`, { headers: { authorization: `Bearer ${srv.token}` } });
    assert.equal(m.status, 200);
    const text = await m.text();
    assert.match(text, /^flowd_steps_total \d+$/m);
    assert.match(text, /^flowd_queue_jobs \d+$/m);
    assert.match(text, /flowd_step_latency_ms_bucket\{le="\+Inf"\} \d+/);
  });
});

describe('engine without the manual clock', () => {
  let srv; let api;
  before(async () => {
    srv = await startServer({ scopes: ['automation', 'flowd.admin'] });
    api = client(srv);
  });
  after(async () => srv?.stop());

  it('has no test clock', async () => {
    assertError(await api('POST', '/flowd/v1/clock', { body: { advanceMs: 1000 } }), 404, 'OBJECT_NOT_FOUND');
  });

  it('refuses to enable DATASET flows, naming the criteria', async () => {
    const r = await api('POST', `${V4}/flows`, { body: contactFlow('Dataset', [], { type: 'DATASET', shouldReEnroll: false, datasetId: 1 }) });
    assertError(r, 400, 'VALIDATION_ERROR', /DATASET/);
    const draft = await api('POST', `${V4}/flows`, { body: contactFlow('Dataset draft', [], { type: 'DATASET', shouldReEnroll: false, datasetId: 1 }, { isEnabled: false }) });
    assert.equal(draft.status, 201, draft.text);
  });
});
