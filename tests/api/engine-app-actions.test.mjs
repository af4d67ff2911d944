// App (custom workflow) actions and SIGNATURE webhooks end to end: `flowd app create` makes an
// app with a client secret, the actions API defines an action, a flow runs it against a real
// receiver on loopback that checks X-HubSpot-Signature-v3 with the secret and answers with
// outputFields (used by a later branch), BLOCK (completed through the callback API, or expired),
// or a 503 (retried). Plus the actions API's CRUD and errors. The clock is frozen
// (`serve --clock manual`) and moved by POST /flowd/v1/clock.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer } from './lib/server.mjs';
import { client, assertError } from './lib/api.mjs';
import { startHttpReceiver, eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const ACT = `${V4}/actions`;
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'flowd.admin'];

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

function contactFlow(name, actions, extra = {}) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: actions[0]?.actionId, actions, enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: false },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false, ...extra,
  };
}

function egg(actionUrl, extra = {}) {
  return {
    actionUrl, published: true, objectTypes: ['CONTACT'],
    inputFields: [
      { typeDefinition: { name: 'greeting', type: 'string', fieldType: 'text' }, supportedValueTypes: ['STATIC_VALUE'], isRequired: true },
      { typeDefinition: { name: 'who', type: 'string', fieldType: 'text' }, supportedValueTypes: ['OBJECT_PROPERTY'], isRequired: false },
    ],
    outputFields: [{ typeDefinition: { name: 'tier', type: 'enumeration', options: [] } }],
    objectRequestOptions: { properties: ['email'] },
    labels: { en: { actionName: 'Score contact', inputFieldLabels: { greeting: 'Greeting' } } },
    functions: [],
    ...extra,
  };
}

// HubSpot's v3 signature as a receiver checks it.
function signatureOk(req, secret, baseUrl) {
  const ts = req.headers['x-hubspot-request-timestamp'];
  const expected = createHmac('sha256', secret).update(`${req.method}${baseUrl}${req.url}${req.body}${ts}`).digest('base64');
  return ts !== undefined && req.headers['x-hubspot-signature-v3'] === expected;
}

// The suite runs on SQLite, and on PostgreSQL (a schema of its own) when
// FLOWD_TEST_POSTGRES_URL is set (scripts/with-postgres.sh).
const PG = process.env.FLOWD_TEST_POSTGRES_URL;
for (const backend of ['sqlite', 'postgres']) {
describe(`app actions and SIGNATURE webhooks (${backend})`, {
  skip: backend === 'postgres' && !PG ? 'FLOWD_TEST_POSTGRES_URL is not set' : false }, () => {
  let srv; let api; let hook; let app; let other;
  let answer = () => ({ status: 200, body: { outputFields: { tier: 'gold' } } });

  before(async () => {
    hook = await startHttpReceiver((req, body, n) => answer(req, body, n));
    const dbUrl = backend === 'postgres'
      ? `${PG}${PG.includes('?') ? '&' : '?'}schema=app_actions_${process.pid}_${Date.now()}` : null;
    srv = await startServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'], dbUrl });
    api = client(srv);
    const out = srv.cli(['app', 'create', '--db', srv.dbUrl, '--account', String(srv.accountId), '--name', 'Scorer']);
    assert.equal(out.code, 0, out.stderr);
    app = JSON.parse(out.stdout);
    assert.ok(Number.isInteger(app.appId));
    assert.match(app.clientSecret, /^[0-9a-f]{64}$/);
    srv.secrets.push(app.clientSecret); // must never reach the log
    // Another account with its own app: invisible to this account's token.
    const b = srv.createAccount('B');
    other = JSON.parse(srv.cli(['app', 'create', '--db', srv.dbUrl, '--account', String(b), '--name', 'Theirs']).stdout);
  });
  after(async () => {
    await srv?.stop();
    await hook?.close();
  });

  const advance = async (ms) => {
    const r = await api('POST', '/flowd/v1/clock', { body: { advanceMs: ms } });
    assert.equal(r.status, 200, r.text);
  };
  const createContact = async (properties) => {
    const r = await api('POST', '/crm/v3/objects/contacts', { body: { properties } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const define = async (extra = {}) => {
    const r = await api('POST', `${ACT}/${app.appId}`, { body: egg(`${hook.url}/act`, extra) });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const createFlow = async (body) => {
    const r = await api('POST', `${V4}/flows`, { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const enrollOne = async (flowId, contact) => {
    const r = await api('POST', `${V4}/flows/${flowId}/enrollments`, { body: { objectIds: [contact] } });
    assert.equal(r.status, 200, r.text);
    return r.json.results[0].id;
  };
  const enrollment = async (flowId, id) => (await api('GET', `${V4}/flows/${flowId}/enrollments/${id}`)).json;
  const finished = (flowId, id) => eventually(async () => {
    const e = await enrollment(flowId, id);
    return e.status !== 'ACTIVE' ? e : null;
  }, { label: `enrollment ${id} to end` });
  const jobtitle = async (id) => (await api('GET', `/crm/v3/objects/contacts/${id}?properties=jobtitle`)).json.properties.jobtitle;
  const branchFlow = (name, definitionId) => contactFlow(name, [
    single('1', `1-${definitionId}`, { greeting: 'hello', who: { type: 'OBJECT_PROPERTY', propertyName: 'firstname' } }, '2'),
    { type: 'STATIC_BRANCH', actionId: '2', inputValue: { type: 'FIELD_DATA', actionId: '1', dataKey: 'tier' },
      staticBranches: [{ branchValue: 'gold', connection: { edgeType: 'STANDARD', nextActionId: '3' } }],
      defaultBranch: { edgeType: 'STANDARD', nextActionId: '4' } },
    single('3', '0-5', { property_name: 'jobtitle', value: { type: 'STATIC_VALUE', staticValue: 'gold path' } }),
    single('4', '0-5', { property_name: 'jobtitle', value: { type: 'STATIC_VALUE', staticValue: 'other path' } }),
  ]);

  it('CLI: app list shows no secret; unknown account fails', () => {
    const list = srv.cli(['app', 'list', '--db', srv.dbUrl, '--account', String(srv.accountId)]);
    assert.equal(list.code, 0, list.stderr);
    const apps = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(apps.map((a) => a.appId), [app.appId]);
    assert.ok(!list.stdout.includes(app.clientSecret));
    assert.equal(srv.cli(['app', 'create', '--db', srv.dbUrl, '--account', '999', '--name', 'x']).code, 1);
    assert.equal(srv.cli(['app', 'delete', '--db', srv.dbUrl, '--account', String(srv.accountId), '12345']).code, 1);
  });

  it('definitions: create, get, list with paging, patch makes revisions, archive', async () => {
    const d = await define();
    assert.match(d.id, /^\d+$/);
    assert.equal(d.revisionId, '1');
    assert.equal(d.actionUrl, `${hook.url}/act`);
    assert.deepEqual(d.functions, []);
    const got = await api('GET', `${ACT}/${app.appId}/${d.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, d);
    const d2 = await define();
    const page = await api('GET', `${ACT}/${app.appId}?limit=1`);
    assert.equal(page.status, 200);
    assert.equal(page.json.results.length, 1);
    const next = await api('GET', `${ACT}/${app.appId}?limit=1&after=${page.json.paging.next.after}`);
    assert.equal(next.json.results[0].id, d2.id === page.json.results[0].id ? d.id : d2.id);
    const patched = await api('PATCH', `${ACT}/${app.appId}/${d.id}`, { body: { published: false, actionUrl: `${hook.url}/v2` } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.revisionId, '2');
    assert.equal(patched.json.published, false);
    assert.equal(patched.json.labels.en.actionName, 'Score contact');
    const revs = await api('GET', `${ACT}/${app.appId}/${d.id}/revisions`);
    assert.deepEqual(revs.json.results.map((r) => r.revisionId), ['1', '2']);
    const r1 = await api('GET', `${ACT}/${app.appId}/${d.id}/revisions/1`);
    assert.equal(r1.status, 200);
    assert.equal(r1.json.definition.actionUrl, `${hook.url}/act`);
    assertError(await api('GET', `${ACT}/${app.appId}/${d.id}/revisions/9`), 404, 'OBJECT_NOT_FOUND');
    // requires-object
    assert.equal((await api('GET', `${ACT}/${app.appId}/${d.id}/requires-object`)).json.requiresObject, true);
    assert.equal((await api('POST', `${ACT}/${app.appId}/${d.id}/requires-object`, { body: { requiresObject: false } })).status, 204);
    assert.equal((await api('GET', `${ACT}/${app.appId}/${d.id}/requires-object`)).json.requiresObject, false);
    assertError(await api('POST', `${ACT}/${app.appId}/${d.id}/requires-object`, { body: {} }), 400, 'VALIDATION_ERROR');
    // archive
    assert.equal((await api('DELETE', `${ACT}/${app.appId}/${d2.id}`)).status, 204);
    assertError(await api('GET', `${ACT}/${app.appId}/${d2.id}`), 404, 'OBJECT_NOT_FOUND');
    const archived = await api('GET', `${ACT}/${app.appId}/${d2.id}?archived=true`);
    assert.equal(archived.status, 200);
    assert.equal(typeof archived.json.archivedAt, 'number');
    const archivedList = await api('GET', `${ACT}/${app.appId}?archived=true`);
    assert.deepEqual(archivedList.json.results.map((x) => x.id), [d2.id]);
    assertError(await api('DELETE', `${ACT}/${app.appId}/${d2.id}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PATCH', `${ACT}/${app.appId}/${d2.id}`, { body: { published: true } }), 404, 'OBJECT_NOT_FOUND');
  });

  it('functions: put, get, list, delete; each change is a revision', async () => {
    const d = await define();
    const put = await api('PUT', `${ACT}/${app.appId}/${d.id}/functions/PRE_ACTION_EXECUTION`, {
      body: 'exports.main = (event, callback) => callback({ data: event });', headers: { 'content-type': 'text/plain' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.functionType, 'PRE_ACTION_EXECUTION');
    const fid = put.json.id;
    const got = await api('GET', `${ACT}/${app.appId}/${d.id}/functions/PRE_ACTION_EXECUTION/${fid}`);
    assert.equal(got.status, 200);
    assert.match(got.json.functionSource, /exports\.main/);
    const byType = await api('GET', `${ACT}/${app.appId}/${d.id}/functions/PRE_ACTION_EXECUTION`);
    assert.equal(byType.json.id, fid);
    const list = await api('GET', `${ACT}/${app.appId}/${d.id}/functions`);
    assert.deepEqual(list.json.results, [{ functionType: 'PRE_ACTION_EXECUTION', id: fid }]);
    assert.equal((await api('GET', `${ACT}/${app.appId}/${d.id}`)).json.revisionId, '2');
    assertError(await api('GET', `${ACT}/${app.appId}/${d.id}/functions/POST_FETCH_OPTIONS`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PUT', `${ACT}/${app.appId}/${d.id}/functions/SOMETIME`, {
      body: 'x', headers: { 'content-type': 'text/plain' } }), 400, 'VALIDATION_ERROR');
    assertError(await api('PUT', `${ACT}/${app.appId}/${d.id}/functions/PRE_FETCH_OPTIONS`, {
      body: 'x'.repeat(64 * 1024 + 1), headers: { 'content-type': 'text/plain' } }), 400, 'VALIDATION_ERROR');
    assert.equal((await api('DELETE', `${ACT}/${app.appId}/${d.id}/functions/PRE_ACTION_EXECUTION/${fid}`)).status, 204);
    assert.deepEqual((await api('GET', `${ACT}/${app.appId}/${d.id}/functions`)).json.results, []);
    assert.equal((await api('GET', `${ACT}/${app.appId}/${d.id}`)).json.revisionId, '3');
  });

  it('errors: every problem listed, unknown and foreign apps 404, bounds', async () => {
    const bad = await api('POST', `${ACT}/${app.appId}`, { body: {
      actionUrl: 'ftp://nowhere', inputFields: [{ typeDefinition: { type: 'colour' } }], labels: {} } });
    assertError(bad, 400, 'VALIDATION_ERROR');
    const where = bad.json.errors.map((e) => e.in);
    for (const path of ['published', 'actionUrl', 'inputFields[0].typeDefinition.name',
      'inputFields[0].typeDefinition.type', 'inputFields[0].isRequired', 'labels']) {
      assert.ok(where.includes(path), `${path} in ${JSON.stringify(where)}`);
    }
    const many = egg(`${hook.url}/act`, { inputFields: Array.from({ length: 101 }, (_, i) => (
      { typeDefinition: { name: `f${i}`, type: 'string' }, isRequired: false })) });
    assertError(await api('POST', `${ACT}/${app.appId}`, { body: many }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', `${ACT}/${other.appId}`, { body: egg(`${hook.url}/act`) }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${ACT}/${other.appId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${ACT}/999999`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${ACT}/${app.appId}/not-an-id`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${ACT}/${app.appId}?limit=100000`), 400, 'VALIDATION_ERROR');
    const noScope = srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read'] });
    assertError(await api('GET', `${ACT}/${app.appId}`, { token: noScope }), 403, 'MISSING_SCOPES');
    assertError(await api('POST', `${ACT}/callbacks/complete`, { body: { inputs: [] } }), 400, 'VALIDATION_ERROR');
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ callbackId: `ap-1-2-3-${i}`, outputFields: {} }));
    assertError(await api('POST', `${ACT}/callbacks/complete`, { body: { inputs: tooMany } }), 400, 'VALIDATION_ERROR');
    const badInputs = await api('POST', `${ACT}/callbacks/complete`, { body: { inputs: [{ outputFields: 1 }, {}] } });
    assertError(badInputs, 400, 'VALIDATION_ERROR');
    assert.equal(badInputs.json.errors.length, 4);
    assertError(await api('POST', `${ACT}/callbacks/ap-1-2-3-4/complete`, {
      body: { outputFields: { hs_execution_state: 'BLOCK' } } }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', `${ACT}/callbacks/ap-1-2-3-4/complete`, { body: { outputFields: {} } }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('POST', `${ACT}/callbacks/ap-1-2-3-4/complete`, { body: {} }), 400, 'VALIDATION_ERROR');
  });

  it('runs: signed HubSpot payload, outputFields feed a branch', async () => {
    const d = await define();
    const flow = await createFlow(branchFlow('App gold', d.id));
    const contact = await createContact({ email: 'ada@example.com', firstname: 'Ada' });
    const from = hook.requests.length;
    answer = () => ({ status: 200, body: { outputFields: { tier: 'gold' } } });
    const eid = await enrollOne(flow.id, contact);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    assert.equal(await jobtitle(contact), 'gold path');
    const req = hook.requests[from];
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/act');
    assert.ok(signatureOk(req, app.clientSecret, hook.url), 'X-HubSpot-Signature-v3 verifies with the client secret');
    assert.ok(!signatureOk(req, other.clientSecret, hook.url));
    const body = JSON.parse(req.body);
    assert.match(body.callbackId, /^ap-\d+-\d+-1-\d+$/);
    assert.equal(String(body.origin.portalId), String(srv.accountId));
    assert.equal(String(body.origin.actionDefinitionId), d.id);
    assert.equal(body.origin.actionDefinitionVersion, 1);
    assert.equal(body.context.source, 'WORKFLOWS');
    assert.equal(String(body.context.workflowId), flow.id);
    assert.equal(String(body.object.objectId), contact);
    assert.equal(body.object.objectType, 'CONTACT');
    assert.deepEqual(body.object.properties, { email: 'ada@example.com' });
    assert.deepEqual(body.inputFields, { greeting: 'hello', who: 'Ada' });
    assert.equal(req.headers['idempotency-key'], `${eid}:1:0`);
  });

  it('retries a 503 by the webhook rules with the same idempotency key', async () => {
    const d = await define();
    const flow = await createFlow(branchFlow('App retry', d.id));
    const contact = await createContact({ email: 'r@example.com' });
    const from = hook.requests.length;
    answer = (req, body, n) => (n === from ? { status: 503 } : { status: 200, body: { outputFields: { tier: 'silver' } } });
    const eid = await enrollOne(flow.id, contact);
    await eventually(() => hook.requests.length > from, { label: 'first attempt' });
    assert.equal((await enrollment(flow.id, eid)).status, 'ACTIVE');
    await advance(61_000);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    assert.equal(await jobtitle(contact), 'other path');
    assert.equal(hook.requests.length, from + 2);
    assert.equal(hook.requests[from].headers['idempotency-key'], hook.requests[from + 1].headers['idempotency-key']);
  });

  it('BLOCK waits for the callback (which survives kill -9), then continues with its outputs', async () => {
    const d = await define();
    const flow = await createFlow(branchFlow('App block', d.id));
    const contact = await createContact({ email: 'b@example.com' });
    const from = hook.requests.length;
    answer = () => ({ status: 200, body: { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' } } });
    const eid = await enrollOne(flow.id, contact);
    await eventually(async () => (await enrollment(flow.id, eid)).steps?.some((s) => s.outcome === 'BLOCKED'), { label: 'block' });
    const callbackId = JSON.parse(hook.requests[from].body).callbackId;
    await advance(3_600_000);
    assert.equal((await enrollment(flow.id, eid)).status, 'ACTIVE');
    // The wait is a row, not memory.
    await srv.kill9();
    await srv.serve();
    const r = await api('POST', `${ACT}/callbacks/${callbackId}/complete`, {
      body: { outputFields: { hs_execution_state: 'SUCCESS', tier: 'gold' }, typedOutputs: {} } });
    assert.equal(r.status, 204, r.text);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    assert.equal(await jobtitle(contact), 'gold path');
    assert.equal(hook.requests.length, from + 1, 'the app is not called again');
    assertError(await api('POST', `${ACT}/callbacks/${callbackId}/complete`, { body: { outputFields: {} } }), 404, 'OBJECT_NOT_FOUND');
  });

  it('BLOCK completed through the batch endpoint; FAIL_CONTINUE continues', async () => {
    const d = await define();
    const flow = await createFlow(branchFlow('App batch', d.id));
    const contact = await createContact({ email: 'c@example.com' });
    const from = hook.requests.length;
    answer = () => ({ status: 200, body: { outputFields: { hs_execution_state: 'BLOCK' } } });
    const eid = await enrollOne(flow.id, contact);
    await eventually(() => hook.requests.length > from, { label: 'call' });
    await eventually(async () => (await enrollment(flow.id, eid)).steps?.some((s) => s.outcome === 'BLOCKED'), { label: 'block' });
    const callbackId = JSON.parse(hook.requests[from].body).callbackId;
    const r = await api('POST', `${ACT}/callbacks/complete`, { body: { inputs: [
      { callbackId, outputFields: { hs_execution_state: 'FAIL_CONTINUE' }, typedOutputs: {} },
      { callbackId: 'ap-1-2-3-4', outputFields: {}, typedOutputs: {} }] } });
    assertError(r, 404, 'OBJECT_NOT_FOUND');
    assert.equal(r.json.errors.length, 1);
    assert.equal(r.json.errors[0].in, 'inputs[1]');
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    assert.equal(await jobtitle(contact), 'other path');
  });

  it('BLOCK that expires fails the enrollment', async () => {
    const d = await define();
    const flow = await createFlow(branchFlow('App expiry', d.id));
    const contact = await createContact({ email: 'e@example.com' });
    const from = hook.requests.length;
    answer = () => ({ status: 200, body: { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'PT1H' } } });
    const eid = await enrollOne(flow.id, contact);
    await eventually(() => hook.requests.length > from, { label: 'call' });
    await eventually(async () => (await enrollment(flow.id, eid)).steps?.some((s) => s.outcome === 'BLOCKED'), { label: 'block' });
    await advance(3_601_000);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'FAILED');
    assert.match(JSON.stringify(done), /expired/);
    const callbackId = JSON.parse(hook.requests[from].body).callbackId;
    assertError(await api('POST', `${ACT}/callbacks/${callbackId}/complete`, { body: { outputFields: {} } }), 404, 'OBJECT_NOT_FOUND');
  });

  it('enabling refuses unknown or archived definitions and SIGNATURE webhooks of unknown apps', async () => {
    const d = await define();
    assert.equal((await api('DELETE', `${ACT}/${app.appId}/${d.id}`)).status, 204);
    const body = contactFlow('Bad refs', [
      single('1', '1-999999999', {}, '2'),
      single('2', `1-${d.id}`, {}, '3'),
      { type: 'WEBHOOK', actionId: '3', method: 'POST', webhookUrl: `${hook.url}/sig`, queryParams: [],
        authSettings: { type: 'SIGNATURE', appId: other.appId } },
    ]);
    const r = await api('POST', `${V4}/flows`, { body });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.in).sort(),
      ['actions[0].actionTypeId', 'actions[1].actionTypeId', 'actions[2].authSettings.appId']);
    // A disabled draft may hold them.
    assert.equal((await api('POST', `${V4}/flows`, { body: { ...body, isEnabled: false } })).status, 201);
  });

  it('SIGNATURE webhook is signed with the app client secret', async () => {
    const flow = await createFlow(contactFlow('Signed hook', [
      { type: 'WEBHOOK', actionId: '1', method: 'POST', webhookUrl: `${hook.url}/sig`, queryParams: [],
        authSettings: { type: 'SIGNATURE', appId: app.appId } },
    ]));
    const contact = await createContact({ email: 's@example.com' });
    const from = hook.requests.length;
    answer = () => ({ status: 200, body: {} });
    const eid = await enrollOne(flow.id, contact);
    const done = await finished(flow.id, eid);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.steps));
    const req = hook.requests[from];
    assert.equal(req.url, '/sig');
    assert.ok(signatureOk(req, app.clientSecret, hook.url));
  });
});
}
