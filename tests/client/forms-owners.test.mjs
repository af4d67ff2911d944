// The official @hubspot/api-client (13.5) against flowd: owners (client.crm.owners.ownersApi),
// forms (client.marketing.forms.formsApi), marketing emails
// (client.marketing.emails.marketingEmailsApi) and custom events (client.events.send), with the
// typed APIs; the public form submission endpoint, which has no typed API, through apiRequest.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';
import { contactForm } from '../api/lib/forms-fixtures.mjs';

const SCOPES = ['crm.objects.owners.read', 'forms', 'content', 'analytics.behavioral_events.send',
  'crm.objects.contacts.read', 'crm.objects.contacts.write'];

// The SDK rejects non-2xx answers with an ApiException carrying `code` and the parsed `body`.
async function rejects(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.code, code, `expected HTTP ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected HTTP ${code}, the call succeeded`);
}

describe('official @hubspot/api-client: owners, forms, marketing emails, events', () => {
  let srv;
  let client;
  before(async () => {
    srv = await startServer({ scopes: SCOPES });
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl });
  });
  after(async () => {
    await srv?.stop();
  });

  it('owners: getPage and getById (by id and userId)', async () => {
    const ids = [];
    for (const email of ['ada@example.com', 'grace@example.com']) {
      const r = srv.cli(['owner', 'create', '--db', srv.dbUrl, '--account', srv.accountId, '--email', email, '--first-name', email.split('@')[0]]);
      assert.equal(r.code, 0, r.stderr);
      ids.push(r.stdout.trim());
    }
    const page = await client.crm.owners.ownersApi.getPage(undefined, undefined, 1);
    assert.equal(page.results.length, 1);
    assert.equal(page.results[0].id, ids[0]);
    assert.equal(page.results[0].email, 'ada@example.com');
    assert.ok(page.results[0].createdAt instanceof Date);
    const next = await client.crm.owners.ownersApi.getPage(undefined, page.paging.next.after, 10);
    assert.deepEqual(next.results.map((o) => o.id), [ids[1]]);
    const byEmail = await client.crm.owners.ownersApi.getPage('GRACE@example.com');
    assert.deepEqual(byEmail.results.map((o) => o.id), [ids[1]]);
    const owner = await client.crm.owners.ownersApi.getById(Number(ids[1]));
    assert.equal(owner.firstName, 'grace');
    const byUser = await client.crm.owners.ownersApi.getById(owner.userId, 'userId');
    assert.equal(byUser.id, ids[1]);
    await rejects(client.crm.owners.ownersApi.getById(12345), 404);
  });

  it('forms: create, getById, getPage, update, replace, archive', async () => {
    const api = client.marketing.forms.formsApi;
    const created = await api.create(contactForm);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.name, 'Contact us');
    assert.equal(created.fieldGroups[0].fields[0].name, 'email');
    const got = await api.getById(created.id);
    assert.equal(got.id, created.id);
    assert.equal(got.configuration.postSubmitAction.value, 'Thanks!');
    const page = await api.getPage(undefined, 10);
    assert.ok(page.results.some((f) => f.id === created.id));
    const patched = await api.update(created.id, { name: 'Contact us (v2)' });
    assert.equal(patched.name, 'Contact us (v2)');
    const replaced = await api.replace(created.id, { ...contactForm, name: 'Replaced', fieldGroups: [contactForm.fieldGroups[0]] });
    assert.equal(replaced.name, 'Replaced');
    assert.equal(replaced.fieldGroups.length, 1);
    await api.archive(created.id);
    await rejects(api.getById(created.id), 404);
    const archived = await api.getById(created.id, true);
    assert.equal(archived.archived, true);
    const bad = await rejects(api.create({ formType: 'hubspot', name: '', fieldGroups: [] }), 400);
    assert.equal(bad.body.category, 'VALIDATION_ERROR');
  });

  it('marketing emails: create, getById, getPage, update, clone, archive; publish is 501', async () => {
    const api = client.marketing.emails.marketingEmailsApi;
    const created = await api.create({
      name: 'Welcome', subject: 'Hi {{ contact.firstname }}',
      _from: { fromName: 'Team', replyTo: 'team@example.com' },  // the SDK's name for `from`
      content: { widgets: { body: { order: 1, body: { html: '<p>Hello {{ contact.firstname }}</p>' } } } },
    });
    assert.match(created.id, /^\d+$/);
    assert.equal(created.state, 'DRAFT');
    assert.equal(created._from.replyTo, 'team@example.com');
    const got = await api.getById(created.id);
    assert.equal(got.subject, 'Hi {{ contact.firstname }}');
    assert.equal(got.content.widgets.body.body.html, '<p>Hello {{ contact.firstname }}</p>');
    const page = await api.getPage();
    assert.equal(page.total, 1);
    assert.equal(page.results[0].id, created.id);
    const updated = await api.update(created.id, { subject: 'Welcome aboard' });
    assert.equal(updated.subject, 'Welcome aboard');
    assert.equal(updated.name, 'Welcome');
    const copy = await api.clone({ id: created.id, cloneName: 'Welcome copy' });
    assert.equal(copy.name, 'Welcome copy');
    await api.archive(copy.id);
    await rejects(api.getById(copy.id), 404);
    await rejects(api.publishOrSend(created.id), 403);  // the token has content, not marketing-email
  });

  it('events: send and batch send against a contact; form submissions through apiRequest', async (t) => {
    const contact = await client.apiRequest({ method: 'POST', path: '/crm/v3/objects/contacts', body: { properties: { email: 'eve@example.com' } } })
      .catch((e) => e);
    if (contact.status !== 201) {
      t.skip('this build does not serve /crm/v3/objects/contacts');
      return;
    }
    await client.events.send.basicApi.send({ eventName: 'pe1_signup', email: 'eve@example.com', properties: { plan: 'pro' } });
    await client.events.send.batchApi.send({ inputs: [
      { eventName: 'pe1_click', email: 'eve@example.com', properties: {} },
      { eventName: 'pe1_click', objectId: (await contact.json()).id, properties: {}, occurredAt: new Date('2024-01-01T00:00:00Z') }] });
    const bad = await rejects(client.events.send.basicApi.send({ eventName: 'pe1_x', email: 'nobody@example.com', properties: {} }), 400);
    assert.equal(bad.body.category, 'VALIDATION_ERROR');

    const form = await client.marketing.forms.formsApi.create(contactForm);
    const submitted = await client.apiRequest({
      method: 'POST', path: `/submissions/v3/integration/submit/${srv.accountId}/${form.id}`,
      body: { fields: [{ objectTypeId: '0-1', name: 'email', value: 'sub@example.com' }, { objectTypeId: '0-1', name: 'firstname', value: 'Sub' }] },
    });
    assert.equal(submitted.status, 200);
    assert.deepEqual(await submitted.json(), { inlineMessage: 'Thanks!' });
    const contactBack = await client.crm.contacts.basicApi.getById('sub@example.com', ['firstname'], undefined, undefined, false, 'email');
    assert.equal(contactBack.properties.firstname, 'Sub');
  });
});
