// /marketing/v3/emails: create, read, list, update (PATCH), clone and delete of marketing emails
// (the content flows' send-email action sends), and a clear 501 for what flowd does not build.
// Every response is validated against marketing-emails.v3 by lib/api.mjs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError, client } from './lib/api.mjs';

const E = '/marketing/v3/emails';

const welcome = {
  name: 'Welcome',
  subject: 'Hi {{ contact.firstname }}',
  from: { fromName: 'Team', replyTo: 'team@example.com' },
  to: { contactIlsLists: { include: [5], exclude: [] }, suppressGraymail: true },
  language: 'en',
  subcategory: 'automated',
  state: 'AUTOMATED_DRAFT',
  businessUnitId: 0,
  publishDate: '2024-06-07T17:27:08Z',
  content: {
    templatePath: '@hubspot/email/dnd/welcome.html',
    plainTextVersion: 'Hello {{ contact.firstname }}',
    widgets: {
      module_1: { order: 1, type: 'module', body: { html: '<p>Hello {{ contact.firstname|default("there") }}</p>' } },
    },
    flexAreas: { main: { boxed: false, sections: [] } },
    styleSettings: { bodyBorderWidth: 1, headingOneFont: { size: 28, bold: true }, buttonStyleSettings: { backgroundColor: { color: '#fff' }, cornerRadius: 4 } },
  },
  webversion: { enabled: true, expiresAt: '2030-01-01T00:00:00.000Z' },
  subscriptionDetails: { subscriptionId: '123' },
  unknownField: 'dropped',
};

describe('marketing emails', () => {
  let srv; let api;
  useServer({ scopes: ['content'], onStart: (ctx) => ({ srv, api } = ctx) });

  it('creates an email, returns it as PublicEmail and reads it back', async () => {
    const r = await api('POST', E, { body: welcome });
    assert.equal(r.status, 201, r.text);
    const e = r.json;
    assert.match(e.id, /^\d+$/);
    assert.ok(r.headers.get('location').endsWith(`${E}/${e.id}`));
    assert.equal(e.name, 'Welcome');
    assert.equal(e.subject, 'Hi {{ contact.firstname }}');
    assert.deepEqual(e.from, { fromName: 'Team', replyTo: 'team@example.com' });
    assert.deepEqual(e.to.contactIlsLists.include, ['5'], 'list ids are strings');
    assert.equal(e.state, 'AUTOMATED_DRAFT');
    assert.equal(e.type, 'AUTOMATED_EMAIL');
    assert.equal(e.subcategory, 'automated');
    assert.equal(e.businessUnitId, '0');
    assert.equal(e.publishDate, '2024-06-07T17:27:08.000Z');
    assert.equal(e.isPublished, false);
    assert.equal(e.isTransactional, false);
    assert.equal(e.archived, false);
    assert.equal(e.unknownField, undefined);
    assert.equal(e.content.widgets.module_1.body.html, welcome.content.widgets.module_1.body.html);
    assert.equal(e.createdAt, e.updatedAt);
    const g = await api('GET', `${E}/${e.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json, e);
    const slash = await api('GET', `${E}/`);
    assert.equal(slash.status, 200, 'the spec writes the collection with a trailing slash');
  });

  it('defaults a minimal email to a DRAFT batch email', async () => {
    const r = await api('POST', `${E}/`, { body: { name: 'Minimal' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, 'DRAFT');
    assert.equal(r.json.subcategory, 'batch');
    assert.equal(r.json.type, 'BATCH_EMAIL');
  });

  it('lists every problem of an invalid email', async () => {
    const r = await api('POST', E, {
      body: { subject: 7, state: 'SENT', language: 'klingon', publishDate: 'tomorrow', testing: { abStatus: 'master' },
        rssData: {}, from: { fromName: false }, content: { widgets: { a: 'html' } } },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((x) => x.in).sort(),
      ['content.widgets.a', 'from.fromName', 'language', 'name', 'publishDate', 'rssData', 'state', 'subject', 'testing'].sort());
    assertError(await api('POST', E, { body: '{"name":' }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', E, { body: [] }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', E, { body: { name: '' } }), 400, 'VALIDATION_ERROR', /name/);
    assertError(await api('POST', E, { body: { name: 'x'.repeat(1025) } }), 400, 'VALIDATION_ERROR', /1024/);
  });

  it('updates with PATCH: given fields overwrite, objects merge', async () => {
    const created = (await api('POST', E, { body: welcome })).json;
    await new Promise((r) => setTimeout(r, 5));
    const r = await api('PATCH', `${E}/${created.id}`, {
      body: { subject: 'New subject', from: { fromName: 'Other' }, content: { widgets: { module_2: { order: 2, body: { html: '<p>PS</p>' } } } } },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.subject, 'New subject');
    assert.equal(r.json.name, 'Welcome');
    assert.deepEqual(r.json.from, { fromName: 'Other', replyTo: 'team@example.com' });
    assert.deepEqual(Object.keys(r.json.content.widgets).sort(), ['module_1', 'module_2']);
    assert.equal(r.json.createdAt, created.createdAt);
    assert.notEqual(r.json.updatedAt, created.updatedAt);
    assertError(await api('PATCH', `${E}/${created.id}`, { body: { state: 'NOPE' } }), 400, 'VALIDATION_ERROR', /state/);
    assertError(await api('PATCH', `${E}/999`, { body: { subject: 'x' } }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PATCH', `${E}/abc`, { body: { subject: 'x' } }), 404, 'OBJECT_NOT_FOUND');
  });

  it('clones an email into a draft', async () => {
    const created = (await api('POST', E, { body: welcome })).json;
    const r = await api('POST', `${E}/clone`, { body: { id: created.id, cloneName: 'Welcome (copy)' } });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.json.id, created.id);
    assert.equal(r.json.name, 'Welcome (copy)');
    assert.equal(r.json.clonedFrom, created.id);
    assert.equal(r.json.state, 'DRAFT');
    assert.equal(r.json.subject, created.subject);
    assertError(await api('POST', `${E}/clone`, { body: { id: '424242' } }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('POST', `${E}/clone`, { body: {} }), 400, 'VALIDATION_ERROR', /id/);
  });

  it('deletes (archives) an email: gone from reads and lists, visible with archived=true', async () => {
    const created = (await api('POST', E, { body: { name: 'Doomed' } })).json;
    const d = await api('DELETE', `${E}/${created.id}`);
    assert.equal(d.status, 204);
    assert.equal(d.text, '');
    assertError(await api('GET', `${E}/${created.id}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${E}/${created.id}`), 404, 'OBJECT_NOT_FOUND');
    const archived = await api('GET', `${E}/${created.id}?archived=true`);
    assert.equal(archived.status, 200);
    assert.equal(archived.json.archived, true);
    assert.ok(archived.json.deletedAt);
    const list = await api('GET', `${E}?archived=true`);
    assert.ok(list.json.results.some((x) => x.id === created.id));
    assert.ok(!(await api('GET', `${E}?limit=100`)).json.results.some((x) => x.id === created.id));
  });

  it('pages with a total', async () => {
    const fresh = client(srv, srv.createToken(srv.createAccount('Paging'), { scopes: ['content'], name: 'paging' }));
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await fresh('POST', E, { body: { name: `E${i}` } })).json.id);
    const p1 = await fresh('GET', E);
    assert.equal(p1.status, 200);
    assert.equal(p1.json.total, 12);
    assert.equal(p1.json.results.length, 10, 'default limit 10');
    const p2 = await fresh('GET', `${E}?after=${p1.json.paging.next.after}`);
    assert.deepEqual([...p1.json.results, ...p2.json.results].map((x) => x.id), ids);
    assert.equal(p2.json.paging, undefined);
    assertError(await fresh('GET', `${E}?limit=101`), 400, 'VALIDATION_ERROR', /limit/);
    assertError(await fresh('GET', `${E}?after=-1`), 400, 'VALIDATION_ERROR', /after/);
    // Accounts are walls.
    assertError(await fresh('GET', `${E}/${(await api('POST', E, { body: { name: 'A' } })).json.id}`), 404, 'OBJECT_NOT_FOUND');
  });

  it('answers 501 for what flowd does not build, after a 404 for unknown emails', async () => {
    const id = (await api('POST', E, { body: { name: 'Other ops' } })).json.id;
    const publisher = client(srv, srv.createToken(srv.accountId, { scopes: ['content', 'marketing-email'], name: 'publisher' }));
    for (const [method, path, who] of [
      ['POST', `${E}/${id}/publish`, publisher], ['POST', `${E}/${id}/unpublish`, publisher],
      ['GET', `${E}/${id}/draft`, api], ['PATCH', `${E}/${id}/draft`, api], ['POST', `${E}/${id}/draft/reset`, api],
      ['GET', `${E}/${id}/revisions`, api], ['GET', `${E}/${id}/revisions/1`, api],
      ['POST', `${E}/${id}/revisions/1/restore`, api], ['POST', `${E}/${id}/revisions/1/restore-to-draft`, api],
      ['GET', `${E}/${id}/ab-test/get-variation`, api], ['POST', `${E}/ab-test/create-variation`, api],
      ['GET', `${E}/statistics/list`, api], ['GET', `${E}/statistics/histogram`, api],
    ]) {
      const r = await who(method, path, method === 'GET' ? {} : { body: {} });
      assertError(r, 501, 'NOT_IMPLEMENTED', /not supported by flowd/);
    }
    assertError(await publisher('POST', `${E}/777/publish`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('POST', `${E}/${id}/publish`), 403, 'MISSING_SCOPES');
  });

  it('needs the content scope', async () => {
    const other = client(srv, srv.createToken(srv.accountId, { scopes: ['forms'], name: 'forms-only' }));
    const r = await other('GET', E);
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes, ['content']);
    assertError(await other('POST', E, { body: { name: 'x' } }), 403, 'MISSING_SCOPES');
  });
});
