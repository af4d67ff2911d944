// /crm/v3/lists: HubSpot's CRM lists API over the real flowd binary. Every response is validated
// against the lists spec by lib/api.mjs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError, client } from './lib/api.mjs';

const SCOPES = ['crm.lists.read', 'crm.lists.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];
const L = '/crm/v3/lists';
const C = '/crm/v3/objects/contacts';

// Polls `fn` until it returns a truthy value; fails after `ms`.
async function eventually(fn, ms = 10_000, what = 'condition') {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

const nameFilter = (...names) => ({
  filterBranchType: 'OR',
  filterBranches: [{
    filterBranchType: 'AND',
    filters: [{
      filterType: 'PROPERTY', property: 'firstname',
      operation: { operationType: 'MULTISTRING', operator: 'IS_EQUAL_TO', values: names },
    }],
  }],
});

describe('CRM lists: definitions', () => {
  let srv; let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  it('creates, reads, finds, renames, deletes and restores a MANUAL list', async () => {
    const r = await api('POST', L, { body: { name: 'Newsletter', objectTypeId: '0-1', processingType: 'MANUAL' } });
    assert.equal(r.status, 200, r.text);
    const list = r.json.list;
    assert.match(list.listId, /^\d+$/);
    assert.equal(list.name, 'Newsletter');
    assert.equal(list.processingType, 'MANUAL');
    assert.equal(list.processingStatus, 'COMPLETE');
    assert.equal(list.listVersion, 1);
    assert.equal(list.size, 0);
    const g = await api('GET', `${L}/${list.listId}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json.list, list);
    const byName = await api('GET', `${L}/object-type-id/0-1/name/NEWSLETTER`);
    assert.equal(byName.status, 200, byName.text);
    assert.equal(byName.json.list.listId, list.listId);
    assertError(await api('GET', `${L}/object-type-id/0-2/name/Newsletter`), 404, 'OBJECT_NOT_FOUND');
    const many = await api('GET', `${L}?listIds=${list.listId}&listIds=999999`);
    assert.equal(many.status, 200);
    assert.deepEqual(many.json.lists.map((x) => x.listId), [list.listId]);
    const renamed = await api('PUT', `${L}/${list.listId}/update-list-name?listName=Weekly%20news`);
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.updatedList.name, 'Weekly news');
    assert.equal(renamed.json.updatedList.listVersion, 2);
    assert.equal((await api('DELETE', `${L}/${list.listId}`)).status, 204);
    assertError(await api('GET', `${L}/${list.listId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${L}/${list.listId}`), 404, 'OBJECT_NOT_FOUND');
    assert.equal((await api('PUT', `${L}/${list.listId}/restore`)).status, 204);
    assert.equal((await api('GET', `${L}/${list.listId}`)).status, 200);
  });

  it('refuses bad definitions with every problem listed', async () => {
    const r = await api('POST', L, { body: { name: '', objectTypeId: 'spaceships', processingType: 'WEEKLY' } });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.in).sort(), ['name', 'objectTypeId', 'processingType']);
    assertError(await api('POST', L, { body: { name: 'x', objectTypeId: '0-1', processingType: 'DYNAMIC' } }),
      400, 'VALIDATION_ERROR', /filterBranch is required/);
    assertError(await api('POST', L, { body: '{"name":' }), 400, 'VALIDATION_ERROR');
    const dup = await api('POST', L, { body: { name: 'Dup', objectTypeId: '0-1', processingType: 'MANUAL' } });
    assert.equal(dup.status, 200);
    assertError(await api('POST', L, { body: { name: 'DUP', objectTypeId: '0-2', processingType: 'MANUAL' } }),
      409, 'CONFLICT');
  });

  it('refuses filters on data flowd does not hold, naming the type — never silently false', async () => {
    const r = await api('POST', L, {
      body: {
        name: 'Visitors', objectTypeId: '0-1', processingType: 'DYNAMIC',
        filterBranch: {
          filterBranchType: 'OR', filterBranches: [{
            filterBranchType: 'AND', filters: [
              { filterType: 'PAGE_VIEW', pageUrl: 'https://example.com', operator: 'HAS_PAGEVIEW_EQ' },
              { filterType: 'EMAIL_EVENT', appId: '1', emailId: '2', level: 'x', operator: 'OPENED' },
              { filterType: 'PROPERTY', property: 'no_such_property', operation: { operationType: 'ALL_PROPERTY', operator: 'IS_KNOWN' } },
              { filterType: 'PROPERTY', property: 'firstname', operation: { operationType: 'NUMBER', operator: 'IS_EQUAL_TO', value: 1 } },
            ],
          }],
        },
      },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    const byIn = Object.fromEntries(r.json.errors.map((e) => [e.in, e]));
    const base = 'filterBranch.filterBranches[0].filters';
    assert.equal(byIn[`${base}[0].filterType`].code, 'UNSUPPORTED_FILTER_TYPE');
    assert.match(byIn[`${base}[0].filterType`].message, /PAGE_VIEW/);
    assert.match(byIn[`${base}[1].filterType`].message, /EMAIL_EVENT/);
    assert.equal(byIn[`${base}[2].property`].code, 'UNKNOWN_PROPERTY');
    assert.equal(byIn[`${base}[3].operation.operationType`].code, 'OPERATION_TYPE_MISMATCH');
  });

  it('searches lists by name, type and processing type with offset paging', async () => {
    for (const name of ['Search alpha', 'Search beta', 'Search gamma']) {
      assert.equal((await api('POST', L, { body: { name, objectTypeId: '0-1', processingType: 'MANUAL' } })).status, 200);
    }
    const r = await api('POST', `${L}/search`, { body: { query: 'search ', offset: 0, count: 2, sort: 'name' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 3);
    assert.equal(r.json.hasMore, true);
    assert.equal(r.json.offset, 2);
    assert.deepEqual(r.json.lists.map((x) => x.name), ['Search alpha', 'Search beta']);
    assert.equal(r.json.lists[0].additionalProperties.hs_list_size, '0');
    const next = await api('POST', `${L}/search`, { body: { query: 'search', offset: 2, count: 2, sort: 'name' } });
    assert.deepEqual(next.json.lists.map((x) => x.name), ['Search gamma']);
    assert.equal(next.json.hasMore, false);
    const none = await api('POST', `${L}/search`, { body: { query: 'search', processingTypes: ['DYNAMIC'], offset: 0 } });
    assert.equal(none.json.total, 0);
    assertError(await api('POST', `${L}/search`, { body: { count: 501, offset: 0 } }), 400, 'VALIDATION_ERROR');
  });

  it('guards reads and writes with crm.lists.read / crm.lists.write, and keeps accounts apart', async () => {
    const made = await api('POST', L, { body: { name: 'Walled', objectTypeId: '0-1', processingType: 'MANUAL' } });
    const readOnly = srv.createToken(srv.accountId, { scopes: ['crm.lists.read'] });
    const r = await api('POST', L, { token: readOnly, body: { name: 'x', objectTypeId: '0-1', processingType: 'MANUAL' } });
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes, ['crm.lists.write']);
    assert.equal((await api('GET', `${L}/${made.json.list.listId}`, { token: readOnly })).status, 200);
    const none = srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read'] });
    assertError(await api('GET', `${L}/${made.json.list.listId}`, { token: none }), 403, 'MISSING_SCOPES');
    const other = srv.createAccount('B');
    const b = client(srv, srv.createToken(other, { scopes: SCOPES }));
    assertError(await b('GET', `${L}/${made.json.list.listId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await b('PUT', `${L}/${made.json.list.listId}/memberships/add`, { body: ['1'] }), 404, 'OBJECT_NOT_FOUND');
  });
});

describe('CRM lists: memberships', () => {
  let srv; let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  async function contact(firstname) {
    const r = await api('POST', C, { body: { properties: { firstname } } });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  }
  async function members(listId, query = '') {
    const r = await api('GET', `${L}/${listId}/memberships${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('adds, removes and pages the members of a MANUAL list', async () => {
    const ids = [];
    for (const n of ['a', 'b', 'c', 'd']) ids.push(await contact(n));
    const list = (await api('POST', L, { body: { name: 'Hand picked', objectTypeId: '0-1', processingType: 'MANUAL' } })).json.list;
    const add = await api('PUT', `${L}/${list.listId}/memberships/add`, { body: [ids[0], ids[1], ids[2], '999', ids[0]] });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.json.recordsIdsAdded, [ids[0], ids[1], ids[2]]);
    assert.deepEqual(add.json.recordIdsRemoved, []);
    assert.deepEqual(add.json.recordIdsMissing, ['999']);
    const both = await api('PUT', `${L}/${list.listId}/memberships/add-and-remove`, {
      body: { recordIdsToAdd: [ids[3]], recordIdsToRemove: [ids[1]] },
    });
    assert.deepEqual(both.json.recordsIdsAdded, [ids[3]]);
    assert.deepEqual(both.json.recordIdsRemoved, [ids[1]]);
    const page1 = await members(list.listId, '?limit=2');
    assert.equal(page1.total, 3);
    assert.deepEqual(page1.results.map((m) => m.recordId), [ids[0], ids[2]]);
    assert.match(page1.results[0].membershipTimestamp, /Z$/);
    const page2 = await members(list.listId, `?limit=2&after=${page1.paging.next.after}`);
    assert.deepEqual(page2.results.map((m) => m.recordId), [ids[3]]);
    assert.equal(page2.paging.next, undefined);
    const back = await members(list.listId, `?before=${page2.paging.prev.before}`);
    assert.deepEqual(back.results.map((m) => m.recordId), [ids[2], ids[0]]);
    const joined = await api('GET', `${L}/${list.listId}/memberships/join-order?limit=10`);
    assert.equal(joined.status, 200);
    assert.equal(joined.json.results.length, 3);
    assertError(await api('GET', `${L}/${list.listId}/memberships?limit=251`), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', `${L}/${list.listId}/memberships?after=zzz`), 400, 'VALIDATION_ERROR');
    const removed = await api('PUT', `${L}/${list.listId}/memberships/remove`, { body: [ids[0]] });
    assert.deepEqual(removed.json.recordIdsRemoved, [ids[0]]);
    assert.equal((await api('GET', `${L}/${list.listId}`)).json.list.size, 2);

    // A record's lists, one by one and in a batch.
    const of = await api('GET', `${L}/records/0-1/${ids[2]}/memberships`);
    assert.equal(of.status, 200, of.text);
    assert.deepEqual(of.json.results.map((m) => m.listId), [list.listId]);
    const batch = await api('POST', `${L}/records/memberships/batch/read`, {
      body: { inputs: [{ objectTypeId: '0-1', recordId: ids[2] }, { objectTypeId: '0-1', recordId: '42' }] },
    });
    assert.equal(batch.status, 207, batch.text);
    assert.equal(batch.json.results.length, 1);
    assert.equal(batch.json.numErrors, 1);

    // Copy into another list, then empty it.
    const copy = (await api('POST', L, { body: { name: 'Copy', objectTypeId: '0-1', processingType: 'MANUAL' } })).json.list;
    assert.equal((await api('PUT', `${L}/${copy.listId}/memberships/add-from/${list.listId}`)).status, 204);
    assert.equal((await members(copy.listId)).total, 2);
    assert.equal((await api('DELETE', `${L}/${copy.listId}/memberships`)).status, 204);
    assert.equal((await members(copy.listId)).total, 0);
    assertError(await api('PUT', `${L}/${copy.listId}/memberships/add`, { body: { ids: [] } }), 400, 'VALIDATION_ERROR');
    const tooMany = Array.from({ length: 10001 }, (_, i) => String(i + 1));
    assertError(await api('PUT', `${L}/${copy.listId}/memberships/add`, { body: tooMany }), 400, 'VALIDATION_ERROR');
  });

  it('keeps DYNAMIC lists in step with record changes', async () => {
    const ann = await contact('Ann');
    await contact('Bob');
    const r = await api('POST', L, {
      body: { name: 'Anns and Cys', objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: nameFilter('ann', 'cy') },
    });
    assert.equal(r.status, 200, r.text);
    const list = r.json.list;
    assert.equal(list.processingType, 'DYNAMIC');
    assert.equal(list.filterBranch.filterBranchType, 'OR');
    assert.equal(list.filterBranch.filterBranches[0].filters[0].operation.includeObjectsWithNoValueSet, false,
      'the stored filter is completed with its required fields');
    await eventually(async () => {
      const m = await members(list.listId);
      return m.total === 1 && m.results[0].recordId === ann;
    }, 10_000, 'the initial evaluation');
    const cy = await contact('Cy');
    await eventually(async () => (await members(list.listId)).total === 2, 10_000, 'a new record to join');
    assert.equal((await api('PATCH', `${C}/${ann}`, { body: { properties: { firstname: 'Annabel' } } })).status, 200);
    await eventually(async () => {
      const m = await members(list.listId);
      return m.total === 1 && m.results[0].recordId === cy;
    }, 10_000, 'a changed record to leave');
    assertError(await api('PUT', `${L}/${list.listId}/memberships/add`, { body: [ann] }), 400, 'VALIDATION_ERROR');

    const updated = await api('PUT', `${L}/${list.listId}/update-list-filters`, { body: { filterBranch: nameFilter('bob') } });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.updatedList.listVersion, 2);
    await eventually(async () => {
      const m = await members(list.listId);
      return m.total === 1 && m.results[0].recordId !== cy;
    }, 10_000, 're-evaluation after a filter update');
    const g = await api('GET', `${L}/${list.listId}?includeFilters=true`);
    assert.deepEqual(g.json.list.filterBranch.filterBranches[0].filters[0].operation.values, ['bob']);
    assert.equal((await api('GET', `${L}/${list.listId}`)).json.list.filterBranch, undefined);
  });

  it('evaluates SNAPSHOT lists once', async () => {
    const dora = await contact('Dora');
    const r = await api('POST', L, {
      body: { name: 'Doras now', objectTypeId: '0-1', processingType: 'SNAPSHOT', filterBranch: nameFilter('dora') },
    });
    assert.equal(r.status, 200, r.text);
    await eventually(async () => (await api('GET', `${L}/${r.json.list.listId}`)).json.list.processingStatus === 'COMPLETE',
      10_000, 'the snapshot');
    assert.deepEqual((await members(r.json.list.listId)).results.map((m) => m.recordId), [dora]);
  });
});

describe('CRM lists: folders, legacy ids and what is not built', () => {
  let srv; let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  it('creates, moves, renames and deletes folders', async () => {
    const f = await api('POST', `${L}/folders`, { body: { name: 'Sales' } });
    assert.equal(f.status, 200, f.text);
    const id = f.json.folder.id;
    assert.equal(f.json.folder.parentFolderId, '0');
    const sub = await api('POST', `${L}/folders`, { body: { name: 'EMEA', parentFolderId: id } });
    const list = (await api('POST', L, { body: { name: 'Filed', objectTypeId: '0-1', processingType: 'MANUAL', listFolderId: Number(id) } })).json.list;
    const root = await api('GET', `${L}/folders`);
    assert.equal(root.status, 200);
    assert.deepEqual(root.json.folder.childNodes.map((n) => n.name), ['Sales']);
    assert.deepEqual(root.json.folder.childNodes[0].childNodes.map((n) => n.name), ['EMEA']);
    const sales = await api('GET', `${L}/folders?folderId=${id}`);
    assert.deepEqual(sales.json.folder.childLists, [Number(list.listId)]);
    assertError(await api('DELETE', `${L}/folders/${id}`), 409, 'CONFLICT');
    const renamed = await api('PUT', `${L}/folders/${sub.json.folder.id}/rename?newFolderName=Europe`);
    assert.equal(renamed.json.folder.name, 'Europe');
    const moved = await api('PUT', `${L}/folders/${sub.json.folder.id}/move/0`);
    assert.equal(moved.json.folder.parentFolderId, '0');
    assert.equal((await api('PUT', `${L}/folders/move-list`, { body: { listId: list.listId, newFolderId: '0' } })).status, 204);
    assert.equal((await api('DELETE', `${L}/folders/${id}`)).status, 204);
    assertError(await api('GET', `${L}/folders?folderId=${id}`), 404, 'OBJECT_NOT_FOUND');
  });

  it('maps no legacy ids and answers 501 for what is not built', async () => {
    assertError(await api('GET', `${L}/idmapping?legacyListId=12`), 404, 'OBJECT_NOT_FOUND');
    const batch = await api('POST', `${L}/idmapping`, { body: ['12', '13'] });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.json.missingLegacyListIds, ['12', '13']);
    const list = (await api('POST', L, { body: { name: 'Convert me', objectTypeId: '0-1', processingType: 'MANUAL' } })).json.list;
    const conv = await api('GET', `${L}/${list.listId}/schedule-conversion`);
    assertError(conv, 501, 'NOT_IMPLEMENTED', /not implemented by flowd/);
  });
});
