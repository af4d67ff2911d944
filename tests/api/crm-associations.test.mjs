// /crm/v4/objects/…/associations and /crm/v4/associations/…: HubSpot's associations v4 API over
// the real flowd binary. Records are created through /crm/v3/objects; every response is
// validated against associations.v4.openapi.json by lib/api.mjs (the labels endpoints are not in
// that document: their errors are checked against the Error schema, their bodies here).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError, client } from './lib/api.mjs';

const ALL = [
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write',
  'crm.objects.custom.read', 'crm.objects.custom.write', 'crm.schemas.custom.write',
  'tickets',
];
const JSON_HEADERS = { 'content-type': 'application/json' };

// Creates `n` records of `type` through the objects API; returns their ids.
async function records(api, type, n = 1) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await api('POST', `/crm/v3/objects/${type}`, { body: { properties: {} } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.id);
  }
  return ids;
}

function list(api, from, id, to, qs = '') {
  return api('GET', `/crm/v4/objects/${from}/${id}/associations/${to}${qs}`);
}

// {toObjectId: [typeId, …]} of a listing, for compact assertions.
function typesById(r) {
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.results.map((x) => [x.toObjectId, x.associationTypes.map((t) => t.typeId)]));
}

describe('associations v4: records', () => {
  let srv; let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });

  it('PUT default associates both ways with the unlabeled types', async () => {
    const [c] = await records(api, 'contacts');
    const [co] = await records(api, 'companies');
    const r = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/default/companies/${co}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'COMPLETE');
    assert.deepEqual(r.json.results.map((x) => [x.from.id, x.to.id, x.associationSpec]), [
      [c, co, { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
      [co, c, { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }],
    ]);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [co]: [279] });
    assert.deepEqual(typesById(await list(api, '0-2', co, 'contact')), { [c]: [280] });
    const again = await api('PUT', `/crm/v4/objects/contact/${c}/associations/default/company/${co}`);
    assert.equal(again.status, 200, 'idempotent');
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [co]: [279] });
  });

  it('PUT labelled writes the types with the default, and the primary company moves', async () => {
    const [c] = await records(api, 'contacts');
    const [co1, co2] = await records(api, 'companies', 2);
    const primary = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }];
    const r = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/${co1}`, { body: primary });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, {
      fromObjectTypeId: '0-1', fromObjectId: c, toObjectTypeId: '0-2', toObjectId: co1, labels: ['Primary'],
    });
    assert.match(r.headers.get('location'), new RegExp(`/crm/v4/objects/contacts/${c}/associations/companies$`));
    const listed = await list(api, 'contacts', c, 'companies');
    assert.deepEqual(listed.json.results[0].associationTypes, [
      { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
      { category: 'HUBSPOT_DEFINED', typeId: 279 },
    ]);
    assert.deepEqual(typesById(await list(api, 'companies', co1, 'contacts')), { [c]: [2, 280] });
    const moved = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/${co2}`, { body: primary });
    assert.equal(moved.status, 201, moved.text);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [co1]: [279], [co2]: [1, 279] });
    // A deal with its primary company, named by type ids.
    const [d] = await records(api, 'deals');
    const deal = await api('PUT', `/crm/v4/objects/0-3/${d}/associations/0-2/${co1}`, {
      body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 },
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }],
    });
    assert.equal(deal.status, 201, deal.text);
    assert.deepEqual(deal.json.labels, ['Primary']);
    assert.deepEqual(typesById(await list(api, 'companies', co1, 'deals')), { [d]: [6, 342] });
  });

  it('PUT labelled refuses bad bodies, types of other pairs and unknown records', async () => {
    const [c] = await records(api, 'contacts');
    const [co] = await records(api, 'companies');
    const path = `/crm/v4/objects/contacts/${c}/associations/companies/${co}`;
    // Malformed entries first (every one listed), then types that the pair does not have.
    const malformed = await api('PUT', path, {
      body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
        { associationCategory: 'NOPE', associationTypeId: 1 },
        { associationCategory: 'USER_DEFINED', associationTypeId: 'x' },
        { associationCategory: 'USER_DEFINED', associationTypeId: -1 }],
    });
    assertError(malformed, 400, 'VALIDATION_ERROR');
    assert.deepEqual(malformed.json.errors.map((e) => e.in),
      ['[1].associationCategory', '[2].associationTypeId', '[3].associationTypeId']);
    const undefinedTypes = await api('PUT', path, {
      body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 },
        { associationCategory: 'USER_DEFINED', associationTypeId: 424242 },
        { associationCategory: 'INTEGRATOR_DEFINED', associationTypeId: 279 }],
    });
    assertError(undefinedTypes, 400, 'VALIDATION_ERROR');
    assert.deepEqual(undefinedTypes.json.errors.map((e) => e.in),
      ['[0].associationTypeId', '[1].associationTypeId', '[2].associationTypeId']);
    assertError(await api('PUT', path, { body: [] }), 400, 'VALIDATION_ERROR', /At least one association type/);
    assertError(await api('PUT', path, { body: { associationTypeId: 1 } }), 400, 'VALIDATION_ERROR');
    assertError(await api('PUT', path, { body: 'not json', headers: JSON_HEADERS }), 400, 'VALIDATION_ERROR');
    assertError(await api('PUT', path), 400, 'VALIDATION_ERROR');
    const unknown = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/99999999999`, {
      body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }],
    });
    assertError(unknown, 404, 'OBJECT_NOT_FOUND', /company/);
    const self = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/contacts/${c}`, {
      body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 449 }],
    });
    assertError(self, 400, 'VALIDATION_ERROR', /itself/);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), {});
  });

  it('GET pages by associated record and answers 400/404 for bad input', async () => {
    const [c] = await records(api, 'contacts');
    const companies = await records(api, 'companies', 5);
    const created = await api('POST', '/crm/v4/associations/contacts/companies/batch/associate/default', {
      body: { inputs: companies.map((id) => ({ from: { id: c }, to: { id } })) },
    });
    assert.equal(created.status, 200, created.text);
    const seen = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const r = await list(api, 'contacts', c, 'companies', `?limit=2${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.results.length <= 2);
      seen.push(...r.json.results.map((x) => x.toObjectId));
      if (!r.json.paging) break;
      after = r.json.paging.next.after;
      assert.match(r.json.paging.next.link, /after=/);
    }
    assert.deepEqual(seen, companies);
    const all = await list(api, 'contacts', c, 'companies');
    assert.equal(all.json.results.length, 5);
    assert.equal(all.json.paging, undefined);
    for (const qs of ['?limit=0', '?limit=501', '?limit=x', '?after=abc']) {
      assertError(await list(api, 'contacts', c, 'companies', qs), 400, 'VALIDATION_ERROR');
    }
    assertError(await list(api, 'contacts', 'abc', 'companies'), 400, 'VALIDATION_ERROR');
    assertError(await list(api, 'contacts', '99999999999', 'companies'), 404, 'OBJECT_NOT_FOUND');
    assertError(await list(api, 'companies', c, 'contacts'), 404, 'OBJECT_NOT_FOUND', /company/);
    assertError(await list(api, 'spaceships', c, 'companies'), 400, 'VALIDATION_ERROR',
      /Unable to infer object type from: spaceships/);
    const [t] = await records(api, 'tasks');
    assertError(await list(api, 'tasks', t, 'notes'), 400, 'VALIDATION_ERROR', /cannot be associated/);
  });

  it('DELETE removes every type both ways, idempotently; archiving a record removes its associations', async () => {
    const [c] = await records(api, 'contacts');
    const [co1, co2] = await records(api, 'companies', 2);
    for (const co of [co1, co2]) {
      const r = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/${co}`, {
        body: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
      });
      assert.equal(r.status, 201, r.text);
    }
    const del = await api('DELETE', `/crm/v4/objects/companies/${co2}/associations/contacts/${c}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [co1]: [279] });
    assert.deepEqual(typesById(await list(api, 'companies', co2, 'contacts')), {});
    assert.equal((await api('DELETE', `/crm/v4/objects/companies/${co2}/associations/contacts/${c}`)).status, 204);
    const archived = await api('DELETE', `/crm/v3/objects/companies/${co1}`);
    assert.equal(archived.status, 204, archived.text);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), {});
  });
});

describe('associations v4: batch', () => {
  let srv; let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });
  const B = '/crm/v4/associations/contacts/companies/batch';
  const PRIMARY = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 };
  const UNLABELED = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 };

  it('batch/create answers 201, or 207 listing the inputs whose records are missing', async () => {
    const [c1, c2] = await records(api, 'contacts', 2);
    const [co] = await records(api, 'companies');
    const ok = await api('POST', `${B}/create`, {
      body: { inputs: [{ from: { id: c1 }, to: { id: co }, types: [PRIMARY] },
        { from: { id: Number(c2) }, to: { id: co }, types: [UNLABELED] }] },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.status, 'COMPLETE');
    assert.deepEqual(ok.json.results.map((x) => [x.fromObjectId, x.toObjectId, x.labels]),
      [[c1, co, ['Primary']], [c2, co, []]]);
    assert.equal(ok.json.errors, undefined);
    const partial = await api('POST', `${B}/create`, {
      body: { inputs: [{ from: { id: c1 }, to: { id: '99999999999' }, types: [UNLABELED] },
        { from: { id: '99999999998' }, to: { id: co }, types: [UNLABELED] },
        { from: { id: c2 }, to: { id: co }, types: [PRIMARY] }] },
    });
    assert.equal(partial.status, 207, partial.text);
    assert.equal(partial.json.results.length, 1);
    assert.equal(partial.json.numErrors, 2);
    assert.deepEqual(partial.json.errors.map((e) => [e.category, e.context]), [
      ['OBJECT_NOT_FOUND', { toObjectId: ['99999999999'] }],
      ['OBJECT_NOT_FOUND', { fromObjectId: ['99999999998'] }],
    ]);
    // A company can be the primary company of several contacts.
    assert.deepEqual(typesById(await list(api, 'companies', co, 'contacts')), { [c1]: [2, 280], [c2]: [2, 280] });
  });

  it('batch/create refuses malformed inputs and too many of them, listing every problem', async () => {
    const [c] = await records(api, 'contacts');
    const bad = await api('POST', `${B}/create`, {
      body: { inputs: [{ from: { id: 'x' }, to: {}, types: [UNLABELED] }, 7,
        { from: { id: c }, to: { id: c }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }] }] },
    });
    assertError(bad, 400, 'VALIDATION_ERROR');
    assert.deepEqual(bad.json.errors.map((e) => e.in), ['inputs[0].from.id', 'inputs[0].to.id', 'inputs[1]']);
    const types = await api('POST', `${B}/create`, {
      body: { inputs: [{ from: { id: c }, to: { id: c }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 4 }] }] },
    });
    assertError(types, 400, 'VALIDATION_ERROR');
    assert.deepEqual(types.json.errors.map((e) => e.in), ['inputs[0].types[0].associationTypeId']);
    assertError(await api('POST', `${B}/create`, { body: {} }), 400, 'VALIDATION_ERROR', /inputs/);
    const many = Array.from({ length: 1001 }, () => ({ from: { id: c }, to: { id: c }, types: [UNLABELED] }));
    assertError(await api('POST', `${B}/create`, { body: { inputs: many } }), 400, 'VALIDATION_ERROR', /At most 1000/);
  });

  it('batch/read pages each record; unknown ones are 207 errors', async () => {
    const [c1, c2] = await records(api, 'contacts', 2);
    const [d1, d2] = await records(api, 'deals', 2);
    const created = await api('POST', '/crm/v4/associations/deals/contacts/batch/associate/default', {
      body: { inputs: [{ from: { id: d1 }, to: { id: c1 } }, { from: { id: d2 }, to: { id: c1 } }] },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.results.length, 4, 'both directions of each');
    const r = await api('POST', '/crm/v4/associations/contacts/deals/batch/read', {
      body: { inputs: [{ id: c1 }, { id: c2 }] },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results.map((x) => [x.from.id, x.to.map((t) => [t.toObjectId, t.associationTypes])]), [
      [c1, [[d1, [{ category: 'HUBSPOT_DEFINED', typeId: 4 }]], [d2, [{ category: 'HUBSPOT_DEFINED', typeId: 4 }]]]],
      [c2, []],
    ]);
    const after = await api('POST', '/crm/v4/associations/contacts/deals/batch/read', {
      body: { inputs: [{ id: c1, after: d1 }, { id: '99999999999' }] },
    });
    assert.equal(after.status, 207, after.text);
    assert.deepEqual(after.json.results[0].to.map((t) => t.toObjectId), [d2]);
    assert.equal(after.json.errors[0].category, 'OBJECT_NOT_FOUND');
    assert.deepEqual(after.json.errors[0].context, { fromObjectId: ['99999999999'] });
    assertError(await api('POST', '/crm/v4/associations/contacts/deals/batch/read', {
      body: { inputs: [{ id: c1, after: 'x' }, { nope: 1 }] },
    }), 400, 'VALIDATION_ERROR');
  });

  it('batch/associate/default reports missing records inside a 200', async () => {
    const [c] = await records(api, 'contacts');
    const [t] = await records(api, 'tickets');
    const r = await api('POST', '/crm/v4/associations/tickets/contacts/batch/associate/default', {
      body: { inputs: [{ from: { id: t }, to: { id: c } }, { from: { id: t }, to: { id: '99999999999' } }] },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results.map((x) => x.associationSpec.associationTypeId), [16, 15]);
    assert.equal(r.json.numErrors, 1);
    assert.equal(r.json.errors[0].category, 'OBJECT_NOT_FOUND');
  });

  it('batch/labels/archive removes types; removing the unlabeled type removes everything', async () => {
    const [c1, c2] = await records(api, 'contacts', 2);
    const [co] = await records(api, 'companies');
    const created = await api('POST', `${B}/create`, {
      body: { inputs: [c1, c2].map((c) => ({ from: { id: c }, to: { id: co }, types: [PRIMARY] })) },
    });
    assert.equal(created.status, 201, created.text);
    const r = await api('POST', `${B}/labels/archive`, {
      body: { inputs: [{ from: { id: c1 }, to: { id: co }, types: [PRIMARY] },
        { from: { id: c2 }, to: { id: co }, types: [UNLABELED] }] },
    });
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(typesById(await list(api, 'companies', co, 'contacts')), { [c1]: [280] });
    const bad = await api('POST', `${B}/labels/archive`, {
      body: { inputs: [{ from: { id: c1 }, to: { id: co }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }] }] },
    });
    assertError(bad, 400, 'VALIDATION_ERROR');
    assert.equal(bad.json.errors[0].in, 'inputs[0].types[0].associationTypeId');
  });

  it('batch/archive removes every association from each from record to its to records', async () => {
    const [c] = await records(api, 'contacts');
    const companies = await records(api, 'companies', 3);
    await api('POST', `${B}/associate/default`, {
      body: { inputs: companies.map((id) => ({ from: { id: c }, to: { id } })) },
    });
    const r = await api('POST', `${B}/archive`, {
      body: { inputs: [{ from: { id: c }, to: [{ id: companies[0] }, { id: companies[2] }, { id: '99999999999' }] }] },
    });
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [companies[1]]: [279] });
    assertError(await api('POST', `${B}/archive`, { body: { inputs: [{ from: { id: c }, to: { id: c } }] } }),
      400, 'VALIDATION_ERROR', /to must be an array/);
    const many = [{ from: { id: c }, to: Array.from({ length: 1001 }, () => ({ id: c })) }];
    assertError(await api('POST', `${B}/archive`, { body: { inputs: many } }), 400, 'VALIDATION_ERROR', /At most 1000/);
  });
});

describe('associations v4: labels', () => {
  let srv; let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });
  const L = '/crm/v4/associations/contacts/companies/labels';

  it('lists HubSpot\'s types, creates, uses, renames and deletes a paired label', async () => {
    const initial = await api('GET', L);
    assert.equal(initial.status, 200, initial.text);
    assert.deepEqual(initial.json.results, [
      { category: 'HUBSPOT_DEFINED', typeId: 279 },
      { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
    ]);
    const created = await api('POST', L, { body: { name: 'billing', label: 'Billing contact', inverseLabel: 'Billed company' } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.results.length, 2);
    const [fwd, inv] = created.json.results;
    assert.equal(fwd.category, 'USER_DEFINED');
    assert.equal(fwd.label, 'Billing contact');
    assert.equal(inv.label, 'Billed company');
    assert.ok(Number.isInteger(fwd.typeId) && fwd.typeId !== inv.typeId);
    const listed = await api('GET', L);
    assert.deepEqual(listed.json.results.at(-1), fwd);
    const back = await api('GET', '/crm/v4/associations/companies/contacts/labels');
    assert.deepEqual(back.json.results.at(-1), inv);

    const [c] = await records(api, 'contacts');
    const [co] = await records(api, 'companies');
    const put = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/${co}`, {
      body: [{ associationCategory: 'USER_DEFINED', associationTypeId: fwd.typeId }],
    });
    assert.equal(put.status, 201, put.text);
    assert.deepEqual(put.json.labels, ['Billing contact']);
    const fromCompany = await list(api, 'companies', co, 'contacts');
    assert.deepEqual(fromCompany.json.results[0].associationTypes, [
      { category: 'HUBSPOT_DEFINED', typeId: 280 },
      { category: 'USER_DEFINED', typeId: inv.typeId, label: 'Billed company' },
    ]);

    const renamed = await api('PUT', L, { body: { associationTypeId: fwd.typeId, label: 'Payer', inverseLabel: 'Paid by' } });
    assert.equal(renamed.status, 204, renamed.text);
    assert.equal((await list(api, 'companies', co, 'contacts')).json.results[0].associationTypes[1].label, 'Paid by');

    assertError(await api('POST', L, { body: { name: 'billing', label: 'Again' } }), 409, 'CONFLICT');
    assertError(await api('POST', L, { body: { label: 'No name' } }), 400, 'VALIDATION_ERROR', /name is required/);
    assertError(await api('POST', L, { body: { name: 'x', label: 'y'.repeat(101) } }), 400, 'VALIDATION_ERROR', /at most 100/);
    assertError(await api('POST', '/crm/v4/associations/contacts/tasks/labels', { body: { name: 'x', label: 'X' } }),
      400, 'VALIDATION_ERROR', /not supported/);
    assertError(await api('PUT', L, { body: { associationTypeId: 1, label: 'Mine' } }), 400, 'VALIDATION_ERROR', /defined by HubSpot/);
    assertError(await api('PUT', L, { body: { associationTypeId: inv.typeId, label: 'Wrong pair' } }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PUT', L, { body: [] }), 400, 'VALIDATION_ERROR');

    const del = await api('DELETE', `${L}/${fwd.typeId}`);
    assert.equal(del.status, 204, del.text);
    assert.deepEqual(typesById(await list(api, 'contacts', c, 'companies')), { [co]: [279] });
    assertError(await api('DELETE', `${L}/${fwd.typeId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${L}/abc`), 400, 'VALIDATION_ERROR');
    const stale = await api('PUT', `/crm/v4/objects/contacts/${c}/associations/companies/${co}`, {
      body: [{ associationCategory: 'USER_DEFINED', associationTypeId: fwd.typeId }],
    });
    assertError(stale, 400, 'VALIDATION_ERROR', /not defined/);
  });
});

describe('associations v4: scopes, accounts and what is not built', () => {
  let srv; let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });

  it('needs read scopes of both types to read and write scopes of both to write', async () => {
    const [c] = await records(api, 'contacts');
    const [co] = await records(api, 'companies');
    const contactsOnly = client(srv, srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'] }));
    const r = await contactsOnly('GET', `/crm/v4/objects/contacts/${c}/associations/companies`);
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes, ['crm.objects.companies.read', 'crm.objects.companies.write']);
    const readers = client(srv, srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read', 'crm.objects.companies.read'] }));
    assert.equal((await readers('GET', `/crm/v4/objects/contacts/${c}/associations/companies`)).status, 200);
    assert.equal((await readers('GET', '/crm/v4/associations/contacts/companies/labels')).status, 200);
    const put = await readers('PUT', `/crm/v4/objects/contacts/${c}/associations/default/companies/${co}`);
    assertError(put, 403, 'MISSING_SCOPES');
    assert.deepEqual(put.json.errors[0].context.requiredGranularScopes, ['crm.objects.contacts.write']);
    assertError(await readers('POST', '/crm/v4/associations/contacts/companies/labels', { body: { name: 'n', label: 'L' } }),
      403, 'MISSING_SCOPES');
    assertError(await api('GET', `/crm/v4/objects/contacts/${c}/associations/companies`, { token: null }), 401, 'INVALID_AUTHENTICATION');
  });

  it('keeps accounts apart', async () => {
    const [c] = await records(api, 'contacts');
    const [co] = await records(api, 'companies');
    const other = srv.createAccount('B');
    const b = client(srv, srv.createToken(other, { scopes: ALL }));
    assertError(await b('GET', `/crm/v4/objects/contacts/${c}/associations/companies`), 404, 'OBJECT_NOT_FOUND');
    assertError(await b('PUT', `/crm/v4/objects/contacts/${c}/associations/default/companies/${co}`), 404, 'OBJECT_NOT_FOUND');
    const created = await b('POST', '/crm/v4/associations/contacts/companies/labels', { body: { name: 'mine', label: 'Mine' } });
    assert.equal(created.status, 200, created.text);
    const labels = await api('GET', '/crm/v4/associations/contacts/companies/labels');
    assert.ok(labels.json.results.every((t) => t.label !== 'Mine'));
    assertError(await api('DELETE', `/crm/v4/associations/contacts/companies/labels/${created.json.results[0].typeId}`),
      404, 'OBJECT_NOT_FOUND');
  });

  it('never answers 5xx to malformed input', async () => {
    const [c] = await records(api, 'contacts');
    const bodies = ['', 'null', '[]', '{}', '"x"', '{"inputs":null}', '{"inputs":[null,1,"a",[]]}',
      '{"inputs":[{"from":{"id":-1},"to":[{"id":1.5}],"types":[{"associationCategory":null,"associationTypeId":1e40}]}]}',
      '[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":9223372036854775808}]',
      '{"name":{},"label":[],"inverseLabel":7,"associationTypeId":"1"}', '{"a":'];
    const paths = [
      ['PUT', `/crm/v4/objects/contacts/${c}/associations/companies/1`],
      ['PUT', `/crm/v4/objects/contacts/${c}/associations/default/companies/99999999999999999999`],
      ['GET', `/crm/v4/objects/contacts/-1/associations/companies?after=-5&limit=-1`],
      ['DELETE', `/crm/v4/objects/contacts/${c}/associations/0-999/1`],
      ...['create', 'read', 'archive', 'labels/archive', 'associate/default'].map((op) =>
        ['POST', `/crm/v4/associations/contacts/companies/batch/${op}`]),
      ['POST', '/crm/v4/associations/contacts/companies/labels'],
      ['PUT', '/crm/v4/associations/contacts/companies/labels'],
      ['DELETE', '/crm/v4/associations/contacts/companies/labels/99999999999999999999'],
    ];
    for (const [method, path] of paths) {
      for (const body of bodies) {
        const r = await api(method, path, method === 'GET' || method === 'DELETE' ? {} : { body, headers: JSON_HEADERS });
        assert.ok(r.status < 500, `${method} ${path} ${body} → ${r.status} ${r.text}`);
      }
    }
  });

  it('answers 501 for the usage report and association limits', async () => {
    assertError(await api('POST', '/crm/v4/associations/usage/high-usage-report/1'), 501, 'NOT_IMPLEMENTED', /usage reports/);
    assertError(await api('GET', '/crm/v4/associations/definitions/configurations/all'), 501, 'NOT_IMPLEMENTED', /limits/);
    assertError(await api('POST', '/crm/v4/associations/definitions/configurations/contacts/companies/batch/create', { body: { inputs: [] } }),
      501, 'NOT_IMPLEMENTED');
  });
});

describe('associations v4: custom objects', () => {
  let srv; let api;
  let schema;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });
  before(async () => {
    const r = await api('POST', '/crm/v3/schemas', {
      body: { name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model',
        properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
        associatedObjects: ['CONTACT'] },
      validate: false,
    });
    if (r.status === 201) schema = r.json;
  });

  it('associates records of a custom object through its schema\'s association definition', async (t) => {
    if (!schema) return t.skip('POST /crm/v3/schemas is not served by this build');
    const car = await api('POST', `/crm/v3/objects/${schema.objectTypeId}`, { body: { properties: { model: 'T' } } });
    assert.equal(car.status, 201, car.text);
    const [c] = await records(api, 'contacts');
    const def = schema.associations.find((a) => a.toObjectTypeId === '0-1');
    const r = await api('PUT', `/crm/v4/objects/cars/${car.json.id}/associations/default/contacts/${c}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results[0].associationSpec, { associationCategory: 'USER_DEFINED', associationTypeId: Number(def.id) });
    assert.deepEqual(typesById(await list(api, 'contacts', c, schema.objectTypeId)), { [car.json.id]: [r.json.results[1].associationSpec.associationTypeId] });
    assertError(await api('GET', `/crm/v4/objects/cars/${car.json.id}/associations/deals`), 400, 'VALIDATION_ERROR', /cannot be associated/);
  });
});
