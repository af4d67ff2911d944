// The official HubSpot Node client's typed CRM APIs (contacts, companies, deals, tickets: basic,
// batch and search) against flowd, with only its base path pointed at flowd.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';

const SCOPES = [
  'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read',
  'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'tickets',
];

describe('@hubspot/api-client CRM objects against flowd', () => {
  let srv;
  let client;
  before(async () => {
    srv = await startServer({ scopes: SCOPES });
    // No retries: a failure must surface, not be retried away.
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl, numberOfApiCallRetries: 0 });
  });
  after(async () => {
    await srv?.stop();
  });

  it('contacts: basic create, getById, update, getPage, archive', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'sdk@example.com', firstname: 'Sdk', lastname: 'User' }, associations: [],
    });
    assert.match(created.id, /^\d+$/);
    assert.equal(created.properties.email, 'sdk@example.com');
    assert.ok(created.createdAt instanceof Date, 'the SDK parses createdAt as a date');
    assert.equal(created.archived, false);

    const got = await client.crm.contacts.basicApi.getById(created.id, ['firstname', 'lastname']);
    assert.equal(got.properties.firstname, 'Sdk');
    const byEmail = await client.crm.contacts.basicApi.getById('sdk@example.com', ['lastname'], undefined, undefined, false, 'email');
    assert.equal(byEmail.id, created.id);

    const updated = await client.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Renamed' } });
    assert.equal(updated.properties.lastname, 'Renamed');

    const page = await client.crm.contacts.basicApi.getPage(10, undefined, ['email']);
    assert.ok(page.results.some((c) => c.id === created.id));

    await client.crm.contacts.basicApi.archive(created.id);
    await assert.rejects(client.crm.contacts.basicApi.getById(created.id), (e) => e.code === 404);
  });

  it('surfaces HubSpot errors: 409 duplicate email, 400 invalid value', async () => {
    await client.crm.contacts.basicApi.create({ properties: { email: 'twice@example.com' }, associations: [] });
    await assert.rejects(
      client.crm.contacts.basicApi.create({ properties: { email: 'twice@example.com' }, associations: [] }),
      (e) => e.code === 409 && /already exists/.test(e.body?.message ?? ''));
    await assert.rejects(
      client.crm.deals.basicApi.create({ properties: { dealname: 'x', amount: 'lots' }, associations: [] }),
      (e) => e.code === 400 && e.body?.category === 'VALIDATION_ERROR');
  });

  it('companies and deals: batch create, read, update, archive', async () => {
    const created = await client.crm.companies.batchApi.create({
      inputs: [{ properties: { name: 'Acme', domain: 'acme.test' }, associations: [] },
        { properties: { name: 'Globex', domain: 'globex.test' }, associations: [] }],
    });
    assert.equal(created.status, 'COMPLETE');
    assert.equal(created.results.length, 2);
    const ids = created.results.map((c) => c.id);
    const read = await client.crm.companies.batchApi.read({
      inputs: ids.map((id) => ({ id })), properties: ['name', 'domain'], propertiesWithHistory: [],
    });
    assert.deepEqual(read.results.map((c) => c.properties.name).sort(), ['Acme', 'Globex']);
    const updated = await client.crm.companies.batchApi.update({
      inputs: [{ id: ids[0], properties: { name: 'Acme Corp' } }],
    });
    assert.equal(updated.results[0].properties.name, 'Acme Corp');

    const deals = await client.crm.deals.batchApi.create({
      inputs: [{ properties: { dealname: 'Deal 1', amount: '100', dealstage: 'appointmentscheduled', pipeline: 'default' }, associations: [] }],
    });
    assert.equal(deals.results[0].properties.amount, '100');
    await client.crm.companies.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
    const after = await client.crm.companies.basicApi.getPage(100);
    assert.ok(!after.results.some((c) => ids.includes(c.id)));
  });

  it('contacts: batch upsert by email and search', async () => {
    const up = await client.crm.contacts.batchApi.upsert({
      inputs: [{ id: 'up1@example.com', idProperty: 'email', properties: { firstname: 'Up' } },
        { id: 'up2@example.com', idProperty: 'email', properties: { firstname: 'Down' } }],
    });
    assert.equal(up.results.length, 2);
    const found = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'Up' }] }],
      properties: ['email', 'firstname'], sorts: [], limit: 10, after: '0',
    });
    assert.equal(found.total, 1);
    assert.equal(found.results[0].properties.email, 'up1@example.com');
  });

  it('tickets: create and search by pipeline stage', async () => {
    const t = await client.crm.tickets.basicApi.create({
      properties: { subject: 'Printer on fire', hs_pipeline: '0', hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' },
      associations: [],
    });
    assert.equal(t.properties.subject, 'Printer on fire');
    const found = await client.crm.tickets.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_ticket_priority', operator: 'EQ', value: 'HIGH' }] }],
      properties: ['subject'], sorts: [], limit: 10, after: '0',
    });
    assert.deepEqual(found.results.map((r) => r.id), [t.id]);
  });
});
