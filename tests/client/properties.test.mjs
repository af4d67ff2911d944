// The official client's typed properties and schemas APIs (client.crm.properties.coreApi,
// groupsApi, batchApi; client.crm.schemas.coreApi) against a running flowd.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';

const SCOPES = [
  'crm.objects.contacts.read', 'crm.schemas.contacts.read', 'crm.schemas.contacts.write',
  'crm.schemas.deals.write', 'crm.schemas.custom.read', 'crm.schemas.custom.write',
];

// The HTTP status of a call the client rejected (ApiException), or a failure when it succeeded.
async function statusOf(promise) {
  try {
    await promise;
  } catch (e) {
    assert.equal(typeof e.code, 'number', `not an ApiException: ${e}`);
    return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
  }
  assert.fail('the call succeeded; an error was expected');
}

describe('official @hubspot/api-client: properties and schemas', () => {
  let srv;
  let client;
  before(async () => {
    srv = await startServer({ scopes: SCOPES });
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl });
  });
  after(async () => {
    await srv?.stop();
  });

  it('coreApi: getAll, getByName, create, update, archive', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const email = all.results.find((p) => p.name === 'email');
    assert.ok(email, 'built-in email property');
    assert.equal(email.hubspotDefined, true);
    assert.equal(email.modificationMetadata.readOnlyDefinition, true);

    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'shoe_size', label: 'Shoe size', type: 'number', fieldType: 'number', groupName: 'contactinformation',
      description: 'EU sizes', displayOrder: 3,
    });
    assert.equal(created.name, 'shoe_size');
    assert.equal(created.type, 'number');
    assert.ok(created.createdAt instanceof Date, 'createdAt deserializes as a date');

    const got = await client.crm.properties.coreApi.getByName('contacts', 'shoe_size');
    assert.equal(got.description, 'EU sizes');
    const updated = await client.crm.properties.coreApi.update('contacts', 'shoe_size', { label: 'Shoe size (EU)' });
    assert.equal(updated.label, 'Shoe size (EU)');

    const dup = await statusOf(client.crm.properties.coreApi.create('contacts', {
      name: 'shoe_size', label: 'again', type: 'number', fieldType: 'number', groupName: 'contactinformation',
    }));
    assert.equal(dup.code, 409);
    assert.equal(dup.body.category, 'CONFLICT');
    const bad = await statusOf(client.crm.properties.coreApi.create('contacts', {
      name: 'Bad Name', label: '', type: 'number', fieldType: 'text', groupName: 'contactinformation',
    }));
    assert.equal(bad.code, 400);
    assert.ok(bad.body.errors.length >= 3, JSON.stringify(bad.body));

    await client.crm.properties.coreApi.archive('contacts', 'shoe_size');
    assert.equal((await statusOf(client.crm.properties.coreApi.getByName('contacts', 'shoe_size'))).code, 404);
    const archived = await client.crm.properties.coreApi.getByName('contacts', 'shoe_size', true);
    assert.equal(archived.archived, true);
  });

  it('groupsApi: create, getAll, getByName, update, archive', async () => {
    const g = await client.crm.properties.groupsApi.create('contacts', { name: 'loyalty', label: 'Loyalty', displayOrder: 5 });
    assert.deepEqual({ ...g }, { name: 'loyalty', label: 'Loyalty', displayOrder: 5, archived: false });
    const all = await client.crm.properties.groupsApi.getAll('contacts');
    assert.ok(all.results.some((x) => x.name === 'loyalty'));
    assert.ok(all.results.some((x) => x.name === 'contactinformation'));
    const one = await client.crm.properties.groupsApi.getByName('contacts', 'loyalty');
    assert.equal(one.label, 'Loyalty');
    const u = await client.crm.properties.groupsApi.update('contacts', 'loyalty', { label: 'Rewards' });
    assert.equal(u.label, 'Rewards');
    await client.crm.properties.groupsApi.archive('contacts', 'loyalty');
    assert.equal((await statusOf(client.crm.properties.groupsApi.getByName('contacts', 'loyalty'))).code, 404);
  });

  it('batchApi: create (201 and 207), read, archive', async () => {
    const input = (name) => ({ name, label: name, type: 'string', fieldType: 'text', groupName: 'dealinformation' });
    const created = await client.crm.properties.batchApi.create('deals', { inputs: [input('sku'), input('region')] });
    assert.equal(created.status, 'COMPLETE');
    assert.deepEqual(created.results.map((p) => p.name), ['sku', 'region']);
    const partial = await client.crm.properties.batchApi.create('deals', { inputs: [input('channel'), input('sku')] });
    assert.deepEqual(partial.results.map((p) => p.name), ['channel']);
    assert.equal(partial.numErrors, 1);
    assert.equal(partial.errors[0].category, 'CONFLICT');

    const read = await client.crm.properties.batchApi.read('deals', {
      archived: false, dataSensitivity: 'non_sensitive', inputs: [{ name: 'sku' }, { name: 'dealstage' }],
    });
    assert.deepEqual(read.results.map((p) => p.name).sort(), ['dealstage', 'sku']);
    await client.crm.properties.batchApi.archive('deals', { inputs: [{ name: 'sku' }, { name: 'region' }, { name: 'channel' }] });
    const gone = await client.crm.properties.batchApi.read('deals', {
      archived: false, dataSensitivity: 'non_sensitive', inputs: [{ name: 'sku' }],
    });
    assert.equal(gone.results.length, 0);
    assert.equal(gone.errors[0].category, 'OBJECT_NOT_FOUND');
  });

  it('schemas coreApi: create, getAll, getById, update, associations, archive', async () => {
    const schema = await client.crm.schemas.coreApi.create({
      name: 'projects',
      labels: { singular: 'Project', plural: 'Projects' },
      primaryDisplayProperty: 'project_name',
      requiredProperties: ['project_name'],
      searchableProperties: ['project_name'],
      secondaryDisplayProperties: [],
      properties: [
        { name: 'project_name', label: 'Project name', type: 'string', fieldType: 'text' },
        { name: 'budget', label: 'Budget', type: 'number', fieldType: 'number' },
      ],
      associatedObjects: ['CONTACT'],
    });
    assert.equal(schema.objectTypeId, `2-${schema.id}`);
    assert.equal(schema.fullyQualifiedName, `p${srv.accountId}_projects`);
    assert.ok(schema.properties.some((p) => p.name === 'budget'));
    assert.equal(schema.associations[0].toObjectTypeId, '0-1');

    const all = await client.crm.schemas.coreApi.getAll();
    assert.deepEqual(all.results.map((s) => s.name), ['projects']);
    const byId = await client.crm.schemas.coreApi.getById(schema.objectTypeId);
    assert.equal(byId.name, 'projects');
    const byName = await client.crm.schemas.coreApi.getById(schema.fullyQualifiedName);
    assert.equal(byName.id, schema.id);

    const updated = await client.crm.schemas.coreApi.update(schema.objectTypeId, {
      labels: { singular: 'Initiative', plural: 'Initiatives' }, secondaryDisplayProperties: ['budget'],
    });
    assert.equal(updated.labels.singular, 'Initiative');
    assert.deepEqual(updated.secondaryDisplayProperties, ['budget']);

    const a = await client.crm.schemas.coreApi.createAssociation(schema.objectTypeId, {
      fromObjectTypeId: schema.objectTypeId, toObjectTypeId: '0-3', name: 'project_deal',
    });
    assert.equal(a.toObjectTypeId, '0-3');
    await client.crm.schemas.coreApi.archiveAssociation(schema.objectTypeId, a.id);

    // The type's properties are served by the properties API too.
    const props = await client.crm.properties.coreApi.getAll(schema.objectTypeId);
    assert.ok(props.results.some((p) => p.name === 'project_name'));

    await client.crm.schemas.coreApi.archive(schema.objectTypeId);
    assert.equal((await statusOf(client.crm.schemas.coreApi.getById(schema.objectTypeId))).code, 404);
    await client.crm.schemas.coreApi.archive('projects', true);
    const again = await client.crm.schemas.coreApi.create({
      name: 'projects', labels: { singular: 'Project', plural: 'Projects' }, requiredProperties: [], properties: [], associatedObjects: [],
    });
    assert.notEqual(again.objectTypeId, schema.objectTypeId);
  });
});
