// The official HubSpot Node client's typed lists APIs (client.crm.lists.*: lists, memberships,
// folders, mapping) against flowd, with only its base path pointed at flowd.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import hubspot from '@hubspot/api-client';
import { startServer } from '../api/lib/server.mjs';

const SCOPES = ['crm.lists.read', 'crm.lists.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];

async function eventually(fn, ms = 10_000, what = 'condition') {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('@hubspot/api-client CRM lists against flowd', () => {
  let srv;
  let client;
  before(async () => {
    srv = await startServer({ scopes: SCOPES });
    client = new hubspot.Client({ accessToken: srv.token, basePath: srv.baseUrl, numberOfApiCallRetries: 0 });
  });
  after(async () => {
    await srv?.stop();
  });

  async function contact(firstname) {
    const c = await client.crm.contacts.basicApi.create({ properties: { firstname }, associations: [] });
    return c.id;
  }

  it('listsApi: create, getById, getByName, getAll, updateName, doSearch, remove, restore', async () => {
    const { list } = await client.crm.lists.listsApi.create({
      name: 'SDK manual', objectTypeId: '0-1', processingType: 'MANUAL',
    });
    assert.match(list.listId, /^\d+$/);
    assert.equal(list.processingType, 'MANUAL');
    assert.ok(list.createdAt instanceof Date, 'the SDK parses createdAt as a date');

    const got = await client.crm.lists.listsApi.getById(list.listId);
    assert.equal(got.list.name, 'SDK manual');
    const byName = await client.crm.lists.listsApi.getByName('sdk MANUAL', '0-1');
    assert.equal(byName.list.listId, list.listId);
    const all = await client.crm.lists.listsApi.getAll([list.listId]);
    assert.deepEqual(all.lists.map((l) => l.listId), [list.listId]);

    const renamed = await client.crm.lists.listsApi.updateName(list.listId, 'SDK renamed');
    assert.equal(renamed.updatedList.name, 'SDK renamed');
    assert.equal(renamed.updatedList.listVersion, 2);

    const found = await client.crm.lists.listsApi.doSearch({ query: 'sdk', offset: 0, additionalProperties: [] });
    assert.ok(found.lists.some((l) => l.listId === list.listId));
    assert.equal(typeof found.total, 'number');

    await client.crm.lists.listsApi.remove(list.listId);
    await assert.rejects(client.crm.lists.listsApi.getById(list.listId), (e) => e.code === 404);
    await client.crm.lists.listsApi.restore(list.listId);
    assert.equal((await client.crm.lists.listsApi.getById(list.listId)).list.name, 'SDK renamed');
  });

  it('membershipsApi: add, addAndRemove, getPage, getLists, addAllFromList, remove, removeAll', async () => {
    const a = await contact('A');
    const b = await contact('B');
    const { list } = await client.crm.lists.listsApi.create({ name: 'SDK members', objectTypeId: '0-1', processingType: 'MANUAL' });
    const added = await client.crm.lists.membershipsApi.add(list.listId, [a, b, '424242']);
    assert.deepEqual(added.recordsIdsAdded, [a, b]);
    assert.deepEqual(added.recordIdsMissing, ['424242']);
    const changed = await client.crm.lists.membershipsApi.addAndRemove(list.listId, { recordIdsToAdd: [], recordIdsToRemove: [b] });
    assert.deepEqual(changed.recordIdsRemoved, [b]);
    const page = await client.crm.lists.membershipsApi.getPage(list.listId, undefined, undefined, 10);
    assert.deepEqual(page.results.map((m) => m.recordId), [a]);
    assert.ok(page.results[0].membershipTimestamp instanceof Date);
    const joined = await client.crm.lists.membershipsApi.getPageOrderedByAddedToListDate(list.listId);
    assert.equal(joined.results.length, 1);
    const lists = await client.crm.lists.membershipsApi.getLists('0-1', a);
    assert.deepEqual(lists.results.map((m) => m.listId), [list.listId]);

    const copy = await client.crm.lists.listsApi.create({ name: 'SDK copy', objectTypeId: '0-1', processingType: 'MANUAL' });
    await client.crm.lists.membershipsApi.addAllFromList(copy.list.listId, list.listId);
    assert.equal((await client.crm.lists.membershipsApi.getPage(copy.list.listId)).results.length, 1);
    const removed = await client.crm.lists.membershipsApi.remove(copy.list.listId, [a]);
    assert.deepEqual(removed.recordIdsRemoved, [a]);
    await client.crm.lists.membershipsApi.removeAll(list.listId);
    assert.equal((await client.crm.lists.membershipsApi.getPage(list.listId)).results.length, 0);
  });

  it('a DYNAMIC list follows its filter; updateListFilters re-evaluates it', async () => {
    const ann = await contact('Ann');
    const bob = await contact('Bob');
    const filter = (name) => ({
      filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
      filterBranches: [{
        filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [],
        filters: [{
          filterType: 'PROPERTY', property: 'firstname',
          operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: name, includeObjectsWithNoValueSet: false },
        }],
      }],
    });
    const { list } = await client.crm.lists.listsApi.create({
      name: 'SDK dynamic', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: filter('Ann'),
    });
    assert.equal(list.processingType, 'DYNAMIC');
    const ids = async () => (await client.crm.lists.membershipsApi.getPage(list.listId)).results.map((m) => m.recordId);
    await eventually(async () => JSON.stringify(await ids()) === JSON.stringify([ann]), 10_000, 'the list to hold Ann');
    const updated = await client.crm.lists.listsApi.updateListFilters(list.listId, { filterBranch: filter('Bob') });
    assert.equal(updated.updatedList.listVersion, 2);
    await eventually(async () => JSON.stringify(await ids()) === JSON.stringify([bob]), 10_000, 'the list to hold Bob');
    const withFilters = await client.crm.lists.listsApi.getById(list.listId, true);
    assert.equal(withFilters.list.filterBranch.filterBranchType, 'OR');
  });

  it('foldersApi and mappingApi', async () => {
    const { folder } = await client.crm.lists.foldersApi.create({ name: 'SDK folder' });
    const { list } = await client.crm.lists.listsApi.create({ name: 'SDK filed', objectTypeId: '0-1', processingType: 'MANUAL' });
    await client.crm.lists.foldersApi.moveList({ listId: list.listId, newFolderId: folder.id });
    const fetched = await client.crm.lists.foldersApi.getAll(folder.id);
    assert.deepEqual(fetched.folder.childLists, [Number(list.listId)]);
    const renamed = await client.crm.lists.foldersApi.rename(folder.id, 'SDK renamed folder');
    assert.equal(renamed.folder.name, 'SDK renamed folder');
    await client.crm.lists.foldersApi.moveList({ listId: list.listId, newFolderId: '0' });
    await client.crm.lists.foldersApi.remove(folder.id);
    const mapped = await client.crm.lists.mappingApi.translateLegacyListIdToListIdBatch(['1', '2']);
    assert.deepEqual(mapped.missingLegacyListIds, ['1', '2']);
  });
});
