// /crm/v3/owners and `flowd owner create|list|archive`: owners are created by the operator and
// read through HubSpot's owners API. Every response is validated against owners.v3 by lib/api.mjs.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError, client } from './lib/api.mjs';

const O = '/crm/v3/owners';

function createOwner(srv, accountId, email, extra = []) {
  const r = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', String(accountId), '--email', email, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.trim(), /^\d+$/, 'owner create prints the id alone');
  return r.stdout.trim();
}

describe('owners: the CLI', () => {
  let srv;
  useServer({ scopes: ['crm.objects.owners.read'], onStart: (ctx) => ({ srv } = ctx) });

  it('creates, lists and archives owners with the usual exit codes', () => {
    const id = createOwner(srv, srv.accountId, 'Grace@Example.com', ['--first-name', 'Grace', '--last-name', 'Hopper']);
    const list = srv.cli(['owner', 'list', '--db', srv.dbUrl, '--account', srv.accountId]);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const grace = lines.find((o) => o.id === id);
    assert.equal(grace.email, 'grace@example.com');
    assert.equal(grace.firstName, 'Grace');
    assert.equal(grace.archived, false);

    const dup = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', srv.accountId, '--email', 'grace@example.com']);
    assert.equal(dup.code, 1, 'a duplicate email fails');
    assert.match(dup.stderr, /already exists/);
    const bad = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', srv.accountId, '--email', 'not-an-email']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /email/);
    const usage = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--email', 'x@y.io']);
    assert.equal(usage.code, 2, '--account is required');
    const noAccount = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', '42', '--email', 'x@y.io']);
    assert.equal(noAccount.code, 1);

    const archive = srv.cli(['owner', 'archive', '--db', srv.dbUrl, '--account', srv.accountId, id]);
    assert.equal(archive.code, 0, archive.stderr);
    assert.equal(srv.cli(['owner', 'archive', '--db', srv.dbUrl, '--account', srv.accountId, id]).code, 1);
    const archived = srv.cli(['owner', 'list', '--db', srv.dbUrl, '--account', srv.accountId, '--archived']);
    assert.ok(archived.stdout.includes(`"id":"${id}"`));
  });
});

describe('owners: the API', () => {
  let srv; let api;
  const ids = [];
  useServer({ scopes: ['crm.objects.owners.read'], onStart: (ctx) => ({ srv, api } = ctx) });
  before(() => {
    for (let i = 0; i < 5; i++) ids.push(createOwner(srv, srv.accountId, `owner${i}@example.com`, ['--first-name', `F${i}`, '--last-name', `L${i}`]));
  });

  it('lists owners with HubSpot-shaped output and pages through them', async () => {
    const r = await api('GET', `${O}?limit=2`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.results.length, 2);
    const first = r.json.results[0];
    assert.equal(first.id, ids[0]);
    assert.equal(first.email, 'owner0@example.com');
    assert.equal(first.firstName, 'F0');
    assert.equal(first.lastName, 'L0');
    assert.equal(first.type, 'PERSON');
    assert.equal(first.archived, false);
    assert.equal(typeof first.userId, 'number');
    assert.deepEqual(first.teams, []);
    assert.ok(r.json.paging.next.after);
    assert.ok(r.json.paging.next.link.includes(`after=${r.json.paging.next.after}`));
    const seen = r.json.results.map((o) => o.id);
    let after = r.json.paging.next.after;
    while (after) {
      const p = await api('GET', `${O}?limit=2&after=${after}`);
      assert.equal(p.status, 200);
      seen.push(...p.json.results.map((o) => o.id));
      after = p.json.paging?.next?.after;
    }
    assert.deepEqual(seen, ids);
    const all = await api('GET', O);
    assert.equal(all.json.results.length, 5, 'default limit 100');
    assert.equal(all.json.paging, undefined);
  });

  it('filters by email (any case) and reads by id or userId', async () => {
    const r = await api('GET', `${O}?email=OWNER3@example.com`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results.map((o) => o.id), [ids[3]]);
    assert.deepEqual((await api('GET', `${O}?email=nobody@example.com`)).json.results, []);
    const byId = await api('GET', `${O}/${ids[3]}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.json.email, 'owner3@example.com');
    const byUser = await api('GET', `${O}/${byId.json.userId}?idProperty=userId`);
    assert.equal(byUser.status, 200);
    assert.equal(byUser.json.id, ids[3]);
    assertError(await api('GET', `${O}/${byId.json.userId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${O}/${ids[3]}?idProperty=email`), 400, 'VALIDATION_ERROR', /idProperty/);
    assertError(await api('GET', `${O}/abc`), 400, 'VALIDATION_ERROR', /ownerId/);
    assertError(await api('GET', `${O}/999999`), 404, 'OBJECT_NOT_FOUND');
  });

  it('archived owners are listed and read only with archived=true', async () => {
    const id = createOwner(srv, srv.accountId, 'gone@example.com');
    assert.equal(srv.cli(['owner', 'archive', '--db', srv.dbUrl, '--account', srv.accountId, id]).code, 0);
    assertError(await api('GET', `${O}/${id}`), 404, 'OBJECT_NOT_FOUND');
    const g = await api('GET', `${O}/${id}?archived=true`);
    assert.equal(g.status, 200);
    assert.equal(g.json.archived, true);
    const live = await api('GET', O);
    assert.ok(!live.json.results.some((o) => o.id === id));
    const archived = await api('GET', `${O}?archived=true`);
    assert.deepEqual(archived.json.results.map((o) => o.id), [id]);
  });

  it('rejects bad paging parameters', async () => {
    assertError(await api('GET', `${O}?limit=0`), 400, 'VALIDATION_ERROR', /limit/);
    assertError(await api('GET', `${O}?limit=501`), 400, 'VALIDATION_ERROR', /limit/);
    assert.equal((await api('GET', `${O}?limit=500`)).status, 200);
    assertError(await api('GET', `${O}?after=xyz`), 400, 'VALIDATION_ERROR', /after/);
    assertError(await api('GET', `${O}?archived=maybe`), 400, 'VALIDATION_ERROR', /archived/);
  });

  it('needs crm.objects.owners.read or automation, and sees its own account only', async () => {
    const noScope = client(srv, srv.createToken(srv.accountId, { scopes: ['forms'], name: 'no-owners' }));
    const r = await noScope('GET', O);
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes.sort(), ['automation', 'crm.objects.owners.read']);
    const automation = client(srv, srv.createToken(srv.accountId, { scopes: ['automation'], name: 'automation' }));
    assert.equal((await automation('GET', O)).status, 200);
    assertError(await api('GET', O, { token: null }), 401, 'INVALID_AUTHENTICATION');

    const b = srv.createAccount('B');
    const bOwner = createOwner(srv, b, 'owner0@example.com');
    const bApi = client(srv, srv.createToken(b, { scopes: ['crm.objects.owners.read'], name: 'b' }));
    assert.deepEqual((await bApi('GET', O)).json.results.map((o) => o.id), [bOwner]);
    assertError(await bApi('GET', `${O}/${ids[0]}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${O}/${bOwner}`), 404, 'OBJECT_NOT_FOUND');
  });
});
