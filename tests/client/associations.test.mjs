// The official @hubspot/api-client's associations v4 APIs (basicApi, batchApi and the schema's
// definitionsApi for labels) against a running flowd.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';

const SCOPES = [
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write',
];

describe('@hubspot/api-client crm.associations.v4 against flowd', () => {
  let srv;
  let client;
  let v4;
  before(async () => {
    srv = await startServer({ scopes: SCOPES });
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl });
    v4 = client.crm.associations.v4;
  });
  after(async () => {
    await srv?.stop();
  });

  async function contact() {
    return (await client.crm.contacts.basicApi.create({ properties: {}, associations: [] })).id;
  }
  async function company() {
    return (await client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })).id;
  }
  async function deal() {
    return (await client.crm.deals.basicApi.create({ properties: { dealname: 'Big' }, associations: [] })).id;
  }

  it('basicApi: createDefault, create (labelled), getPage, archive', async () => {
    const c = await contact();
    const co1 = await company();
    const co2 = await company();
    const def = await v4.basicApi.createDefault('contacts', c, 'companies', co1);
    assert.equal(def.status, 'COMPLETE');
    assert.deepEqual(def.results.map((r) => [r._from.id, r.to.id, r.associationSpec.associationTypeId]),
      [[c, co1, 279], [co1, c, 280]]);
    const labelled = await v4.basicApi.create('contacts', c, 'companies', co2,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
    assert.equal(labelled.fromObjectId, c);
    assert.equal(labelled.toObjectId, co2);
    assert.deepEqual(labelled.labels, ['Primary']);

    const page = await v4.basicApi.getPage('contacts', c, 'companies', undefined, 500);
    assert.deepEqual(page.results.map((r) => [r.toObjectId, r.associationTypes.map((t) => [t.category, t.typeId, t.label])]), [
      [co1, [['HUBSPOT_DEFINED', 279, undefined]]],
      [co2, [['HUBSPOT_DEFINED', 1, 'Primary'], ['HUBSPOT_DEFINED', 279, undefined]]],
    ]);
    assert.equal(page.paging, undefined);
    const first = await v4.basicApi.getPage('contacts', c, 'companies', undefined, 1);
    assert.equal(first.results.length, 1);
    const rest = await v4.basicApi.getPage('contacts', c, 'companies', first.paging.next.after, 1);
    assert.deepEqual(rest.results.map((r) => r.toObjectId), [co2]);

    await v4.basicApi.archive('contacts', c, 'companies', co1);
    const left = await v4.basicApi.getPage('companies', co1, 'contacts');
    assert.deepEqual(left.results, []);

    await assert.rejects(v4.basicApi.getPage('contacts', '99999999999', 'companies'), (e) => {
      assert.equal(e.code, 404);
      assert.equal(e.body.category, 'OBJECT_NOT_FOUND');
      return true;
    });
    await assert.rejects(v4.basicApi.create('contacts', c, 'companies', co1,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }]), (e) => {
      assert.equal(e.code, 400);
      assert.equal(e.body.category, 'VALIDATION_ERROR');
      return true;
    });
  });

  it('batchApi: create (201 and 207), getPage, createDefault, archiveLabels, archive', async () => {
    const c1 = await contact();
    const c2 = await contact();
    const d = await deal();
    const created = await v4.batchApi.create('deals', 'contacts', {
      inputs: [
        { _from: { id: d }, to: { id: c1 }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ],
    });
    assert.equal(created.status, 'COMPLETE');
    assert.deepEqual(created.results.map((r) => [r.fromObjectId, r.toObjectId]), [[d, c1]]);
    const partial = await v4.batchApi.create('deals', 'contacts', {
      inputs: [
        { _from: { id: d }, to: { id: '99999999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ],
    });
    assert.equal(partial.results.length, 0);
    assert.equal(partial.numErrors, 1);
    assert.equal(partial.errors[0].category, 'OBJECT_NOT_FOUND');

    const defaults = await v4.batchApi.createDefault('contacts', 'deals', {
      inputs: [{ _from: { id: c2 }, to: { id: d } }],
    });
    assert.deepEqual(defaults.results.map((r) => r.associationSpec.associationTypeId), [4, 3]);

    const read = await v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: d }] });
    assert.deepEqual(read.results.map((r) => [r._from.id, r.to.map((t) => t.toObjectId)]), [[d, [c1, c2]]]);

    await v4.batchApi.archiveLabels('deals', 'contacts', {
      inputs: [{ _from: { id: d }, to: { id: c1 }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    });
    await v4.batchApi.archive('contacts', 'deals', { inputs: [{ _from: { id: c2 }, to: [{ id: d }] }] });
    const after = await v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: d }] });
    assert.deepEqual(after.results[0].to, []);
  });

  it('schema.definitionsApi: labels create, getAll, update, remove', async () => {
    const defs = v4.schema.definitionsApi;
    const created = await defs.create('contacts', 'deals', { name: 'decision_maker', label: 'Decision maker', inverseLabel: 'Decided by' });
    assert.deepEqual(created.results.map((r) => [r.category, r.label]),
      [['USER_DEFINED', 'Decision maker'], ['USER_DEFINED', 'Decided by']]);
    const typeId = created.results[0].typeId;
    const all = await defs.getAll('contacts', 'deals');
    assert.deepEqual(all.results.map((r) => r.typeId), [4, typeId]);

    const c = await contact();
    const d = await deal();
    const labelled = await v4.basicApi.create('contacts', c, 'deals', d, [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }]);
    assert.deepEqual(labelled.labels, ['Decision maker']);

    await defs.update('contacts', 'deals', { associationTypeId: typeId, label: 'Signer' });
    const page = await v4.basicApi.getPage('contacts', c, 'deals');
    assert.deepEqual(page.results[0].associationTypes.map((t) => t.label), [undefined, 'Signer']);

    await defs.remove('contacts', 'deals', typeId);
    const again = await defs.getAll('contacts', 'deals');
    assert.deepEqual(again.results.map((r) => r.typeId), [4]);
  });
});
