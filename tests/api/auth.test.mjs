// Authentication (bearer tokens), revocation, scopes and account isolation.
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { createFlow } from './lib/crud-suite.mjs';
import { useServer } from './lib/suite.mjs';
import { client, assertError } from './lib/api.mjs';
import { V4, BETA, fullContactFlow, emailAction, delayAction, putBodyFrom } from './lib/fixtures.mjs';

describe('auth', () => {
  let srv;
  let api;
  useServer({ onStart: (ctx) => ({ srv, api } = ctx) });

  describe('authentication', () => {
    const endpoints = [
      ['GET', `${V4}/flows`],
      ['POST', `${V4}/flows`],
      ['GET', `${V4}/flows/1`],
      ['PUT', `${V4}/flows/1`],
      ['DELETE', `${V4}/flows/1`],
      ['POST', `${V4}/flows/batch/read`],
      ['GET', `${V4}/flows/email-campaigns`],
      ['POST', `${V4}/workflow-id-mappings/batch/read`],
      ['GET', `${BETA}/flows`],
      ['GET', `${BETA}/flows/1/revisions/1`],
    ];

    it('answers 401 INVALID_AUTHENTICATION without Authorization on every endpoint', async () => {
      for (const [method, path] of endpoints) {
        const body = method === 'POST' || method === 'PUT' ? {} : undefined;
        assertError(await api(method, path, { token: null, body }), 401, 'INVALID_AUTHENTICATION');
      }
    });

    it('answers 401 for an unknown token and for malformed Authorization headers', async () => {
      assertError(await api('GET', `${V4}/flows`, { token: 'pat-na1-00000000-0000-0000-0000-000000000000' }), 401, 'INVALID_AUTHENTICATION');
      assertError(await api('GET', `${V4}/flows`, { token: `${srv.token}x` }), 401, 'INVALID_AUTHENTICATION');
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', srv.token, `bearer-${srv.token}`]) {
        const r = await api('GET', `${V4}/flows`, { token: null, headers: { authorization } });
        assertError(r, 401, 'INVALID_AUTHENTICATION');
      }
    });

    it('accepts the scheme name case-insensitively', async () => {
      const r = await api('GET', `${V4}/flows`, { token: null, headers: { authorization: `bearer ${srv.token}` } });
      assert.equal(r.status, 200);
    });

    it('refuses a revoked token at the very next request', async () => {
      const token = srv.createToken(srv.accountId, { name: 'revoke-me' });
      assert.equal((await api('GET', `${V4}/flows`, { token })).status, 200);
      const listed = srv.listTokens();
      const raw = srv.cli(['token', 'list', '--db', srv.dbUrl]).stdout;
      for (const s of srv.secrets) assert.ok(!raw.includes(s), 'token list never prints a token');
      const entry = listed.find((t) => t.name === 'revoke-me');
      assert.ok(entry, `revoke-me in ${JSON.stringify(listed)}`);
      for (const k of ['id', 'accountId', 'name', 'scopes', 'createdAt', 'revoked']) assert.ok(k in entry, `token list field ${k}`);
      assert.equal(entry.revoked, false);
      assert.equal(String(entry.accountId), srv.accountId);
      srv.revokeToken(entry.id);
      assertError(await api('GET', `${V4}/flows`, { token }), 401, 'INVALID_AUTHENTICATION');
      assert.equal(srv.listTokens().find((t) => t.id === entry.id).revoked, true);
      // other tokens are unaffected
      assert.equal((await api('GET', `${V4}/flows`)).status, 200);
    });
  });

  describe('scopes', () => {
    it('answers 403 MISSING_SCOPES naming automation for a token without it', async () => {
      const token = srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read'], name: 'no-automation' });
      for (const [method, path, body] of [
        ['GET', `${V4}/flows`],
        ['POST', `${V4}/flows`, fullContactFlow('x')],
        ['GET', `${BETA}/flows`],
        ['GET', `${BETA}/action-types`],
        ['POST', `${V4}/flows/batch/read`, { inputs: [] }],
      ]) {
        const r = await api(method, path, { token, body });
        assertError(r, 403, 'MISSING_SCOPES');
        const scopes = r.json.errors?.[0]?.context?.requiredGranularScopes;
        assert.ok(Array.isArray(scopes) && scopes.includes('automation'), `requiredGranularScopes: ${r.text}`);
      }
    });

    it('accepts a token holding automation among other scopes', async () => {
      const token = srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read', 'automation'], name: 'multi' });
      assert.equal((await api('GET', `${V4}/flows`, { token })).status, 200);
    });
  });

  describe('account isolation', () => {
    let aFlow;
    let bApi;
    before(async () => {
      const body = fullContactFlow('belongs to A');
      body.actions = [delayAction('1', '2'), emailAction('2', '777001')];
      aFlow = await createFlow(api, V4, body);
      const b = srv.createAccount('B');
      assert.notEqual(b, srv.accountId);
      bApi = client(srv, srv.createToken(b, { name: 'b' }));
    });

    it('hides A\'s flow from B on GET, PUT and DELETE', async () => {
      assertError(await bApi('GET', `${V4}/flows/${aFlow.id}`), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('GET', `${BETA}/flows/${aFlow.id}`), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('PUT', `${V4}/flows/${aFlow.id}`, { body: putBodyFrom(aFlow, { name: 'stolen' }) }), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('PUT', `${V4}/${aFlow.id}`, { body: putBodyFrom(aFlow, { name: 'stolen' }) }), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('DELETE', `${V4}/flows/${aFlow.id}`), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('DELETE', `${V4}/${aFlow.id}`), 404, 'OBJECT_NOT_FOUND');
      assertError(await bApi('GET', `${BETA}/flows/${aFlow.id}/revisions/1`), 404, 'OBJECT_NOT_FOUND');
      const g = await api('GET', `${V4}/flows/${aFlow.id}`);
      assert.equal(g.status, 200, 'A still has its flow');
      assert.deepEqual(g.json, aFlow, 'unchanged');
    });

    it('answers 207 not-found to B\'s batch read and id mapping of A\'s flow', async () => {
      const r = await bApi('POST', `${V4}/flows/batch/read`, { body: { inputs: [{ flowId: aFlow.id, type: 'FLOW_ID' }] } });
      assert.equal(r.status, 207, r.text);
      assert.deepEqual(r.json.results, []);
      assert.equal(r.json.errors[0].category, 'OBJECT_NOT_FOUND');
      const m = await bApi('POST', `${V4}/workflow-id-mappings/batch/read`, { body: { inputs: [{ type: 'FLOW_ID', flowId: aFlow.id }] } });
      assert.equal(m.status, 207, m.text);
      assert.deepEqual(m.json.results, []);
      // and by workflow id
      const mine = await api('POST', `${V4}/workflow-id-mappings/batch/read`, { body: { inputs: [{ type: 'FLOW_ID', flowId: aFlow.id }] } });
      assert.equal(mine.status, 200, mine.text);
      const wf = String(mine.json.results[0].workflowId);
      const mw = await bApi('POST', `${V4}/workflow-id-mappings/batch/read`, { body: { inputs: [{ type: 'WORKFLOW_ID', workflowId: wf }] } });
      assert.equal(mw.status, 207, mw.text);
      assert.deepEqual(mw.json.results, []);
    });

    it('does not list A\'s flows or emails to B', async () => {
      const list = await bApi('GET', `${V4}/flows`);
      assert.equal(list.status, 200);
      assert.ok(!list.json.results.some((f) => f.id === aFlow.id));
      const emails = await bApi('GET', `${V4}/flows/email-campaigns`);
      assert.equal(emails.status, 200);
      assert.ok(!emails.json.results.some((e) => e.flowId === aFlow.id));
      const filtered = await bApi('GET', `${V4}/flows/email-campaigns?flowId=${aFlow.id}`);
      assert.deepEqual(filtered.json.results, []);
      const aEmails = await api('GET', `${V4}/flows/email-campaigns?flowId=${aFlow.id}`);
      assert.equal(aEmails.json.results.length, 1, 'A sees its own email');
    });
  });
});
