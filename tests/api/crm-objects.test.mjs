// /crm/v3/objects/{objectType}: HubSpot's CRM objects API over the real flowd binary. Every
// response is validated against the objects/contacts/… specs by lib/api.mjs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';

const ALL = [
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write',
  'tickets',
];
const C = '/crm/v3/objects/contacts';

describe('CRM objects: create, get, update, archive', () => {
  let srv; let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ srv, api } = ctx) });

  it('creates a contact with HubSpot-shaped output and maintained properties', async () => {
    const r = await api('POST', C, { body: { properties: { email: 'Ann@Example.COM ', firstname: 'Ann' } } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.id, /^\d+$/);
    assert.equal(r.json.properties.email, 'ann@example.com', 'emails are stored trimmed and lower-cased');
    assert.equal(r.json.properties.firstname, 'Ann');
    assert.equal(r.json.properties.hs_object_id, r.json.id);
    assert.equal(r.json.archived, false);
    assert.equal(r.json.properties.createdate, r.json.createdAt);
    const g = await api('GET', `${C}/${r.json.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(Object.keys(g.json.properties).sort(),
      ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate']);
    const byEmail = await api('GET', `${C}/ANN@example.com?idProperty=email&properties=firstname`);
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.json.id, r.json.id);
    assert.deepEqual(byEmail.json.properties, { firstname: 'Ann' });
  });

  it('accepts the type by name, singular, id and in any case', async () => {
    const r = await api('POST', '/crm/v3/objects/0-3', { body: { properties: { dealname: 'Big', amount: 1500.5 } } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.properties.amount, '1500.5');
    for (const name of ['deals', 'deal', 'DEALS', '0-3']) {
      const g = await api('GET', `/crm/v3/objects/${name}/${r.json.id}`);
      assert.equal(g.status, 200, `${name}: ${g.text}`);
    }
    const wrong = await api('GET', `/crm/v3/objects/companies/${r.json.id}`);
    assertError(wrong, 404, 'OBJECT_NOT_FOUND');
    const unknown = await api('GET', '/crm/v3/objects/spaceships/1');
    assertError(unknown, 400, 'VALIDATION_ERROR', /Unable to infer object type from: spaceships/);
  });

  it('rejects every bad value at once with a 400 naming each property', async () => {
    const r = await api('POST', C, {
      body: { properties: { email: 'not-an-email', nope: 'x', lifecyclestage: 'martian', hs_object_id: '5' } },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    const ins = r.json.errors.map((e) => e.in).sort();
    assert.deepEqual(ins, ['properties.email', 'properties.hs_object_id', 'properties.lifecyclestage', 'properties.nope']);
    const codes = Object.fromEntries(r.json.errors.map((e) => [e.in, e.code]));
    assert.equal(codes['properties.nope'], 'PROPERTY_DOESNT_EXIST');
    assert.equal(codes['properties.lifecyclestage'], 'INVALID_OPTION');
    assert.equal(codes['properties.hs_object_id'], 'READ_ONLY_VALUE');
  });

  it('validates numbers, dates, datetimes and booleans by property type', async () => {
    const bad = await api('POST', '/crm/v3/objects/deals', { body: { properties: { amount: 'lots', closedate: 'soon' } } });
    assertError(bad, 400, 'VALIDATION_ERROR');
    assert.equal(bad.json.errors.length, 2);
    const ok = await api('POST', '/crm/v3/objects/deals', {
      body: { properties: { dealname: 'D', amount: '10', closedate: '1700000000000' } },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.properties.closedate, '2023-11-14T22:13:20.000Z');
  });

  it('keeps emails unique per account (409 naming the holder)', async () => {
    const a = await api('POST', C, { body: { properties: { email: 'dup@x.io' } } });
    assert.equal(a.status, 201);
    const b = await api('POST', C, { body: { properties: { email: 'DUP@x.io' } } });
    assertError(b, 409, 'CONFLICT', new RegExp(`Existing ID: ${a.json.id}`));
  });

  it('updates with PATCH, records history, and archives with DELETE', async () => {
    const c = await api('POST', C, { body: { properties: { email: 'h@x.io', firstname: 'Hal' } } });
    const u = await api('PATCH', `${C}/${c.json.id}`, { body: { properties: { firstname: 'Hank', lastname: '' } } });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.properties.firstname, 'Hank');
    const h = await api('GET', `${C}/${c.json.id}?propertiesWithHistory=firstname`);
    assert.deepEqual(h.json.propertiesWithHistory.firstname.map((v) => v.value), ['Hank', 'Hal']);
    assert.equal(h.json.propertiesWithHistory.firstname[0].sourceType, 'API');
    const d = await api('DELETE', `${C}/${c.json.id}`);
    assert.equal(d.status, 204);
    assertError(await api('GET', `${C}/${c.json.id}`), 404, 'OBJECT_NOT_FOUND');
    const archived = await api('GET', `${C}/${c.json.id}?archived=true`);
    assert.equal(archived.status, 200);
    assert.equal(archived.json.archived, true);
    assert.ok(archived.json.archivedAt);
    assert.equal((await api('DELETE', `${C}/${c.json.id}`)).status, 204, 'archiving twice is not an error');
    assertError(await api('PATCH', `${C}/${c.json.id}`, { body: { properties: { firstname: 'x' } } }), 404, 'OBJECT_NOT_FOUND');
    // The email is free again.
    assert.equal((await api('POST', C, { body: { properties: { email: 'h@x.io' } } })).status, 201);
  });

  it('lists with after/limit paging', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await api('POST', '/crm/v3/objects/companies', { body: { properties: { name: `Co ${i}` } } });
      ids.push(r.json.id);
    }
    const seen = [];
    let after;
    for (;;) {
      const r = await api('GET', `/crm/v3/objects/companies?limit=2&properties=name${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200);
      for (const o of r.json.results) seen.push(o.id);
      after = r.json.paging?.next?.after;
      if (!after) break;
    }
    assert.deepEqual(seen, ids);
    assertError(await api('GET', '/crm/v3/objects/companies?limit=101'), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', '/crm/v3/objects/companies?limit=0'), 400, 'VALIDATION_ERROR');
  });

  it('needs the object scopes: read for GET, write for POST', async () => {
    const readOnly = srv.createToken(srv.accountId, { scopes: ['crm.objects.contacts.read'], name: 'ro' });
    const r = await api('POST', C, { token: readOnly, body: { properties: { email: 'ro@x.io' } } });
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes, ['crm.objects.contacts.write']);
    assert.equal((await api('GET', C, { token: readOnly })).status, 200);
    assertError(await api('GET', '/crm/v3/objects/deals', { token: readOnly }), 403, 'MISSING_SCOPES');
    assertError(await api('GET', C, { token: null }), 401, 'INVALID_AUTHENTICATION');
  });

  it('keeps accounts apart', async () => {
    const mine = await api('POST', C, { body: { properties: { email: 'wall@x.io' } } });
    const other = srv.createAccount('B');
    const theirs = srv.createToken(other, { scopes: ALL, name: 'b' });
    assertError(await api('GET', `${C}/${mine.json.id}`, { token: theirs }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PATCH', `${C}/${mine.json.id}`, { token: theirs, body: { properties: { firstname: 'x' } } }), 404, 'OBJECT_NOT_FOUND');
    assert.equal((await api('POST', C, { token: theirs, body: { properties: { email: 'wall@x.io' } } })).status, 201,
      'the same email in another account is not a duplicate');
  });

  it('answers 501 for the contact operations flowd does not offer', async () => {
    assert.equal((await api('POST', `${C}/merge`, { body: { primaryObjectId: '1', objectIdToMerge: '2' } })).status, 501);
    assert.equal((await api('POST', `${C}/gdpr-delete`, { body: { objectId: '1' } })).status, 501);
  });
});

describe('CRM objects: batch', () => {
  let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ api } = ctx) });

  it('batch creates, reads (207 for missing ids), updates, upserts and archives', async () => {
    const created = await api('POST', `${C}/batch/create`, {
      body: { inputs: [{ properties: { email: 'b1@x.io' } }, { properties: { email: 'b2@x.io', firstname: 'Bo' } }] },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.status, 'COMPLETE');
    const [id1, id2] = created.json.results.map((o) => o.id);
    const read = await api('POST', `${C}/batch/read`, {
      body: { inputs: [{ id: id1 }, { id: '999999999999' }, { id: id2 }], properties: ['email'], propertiesWithHistory: [] },
    });
    assert.equal(read.status, 207, read.text);
    assert.equal(read.json.results.length, 2);
    assert.equal(read.json.numErrors, 1);
    assert.deepEqual(read.json.errors[0].context.ids, ['999999999999']);
    const byEmail = await api('POST', `${C}/batch/read`, {
      body: { idProperty: 'email', inputs: [{ id: 'b2@x.io' }], properties: ['firstname'], propertiesWithHistory: [] },
    });
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.json.results[0].properties.firstname, 'Bo');
    const updated = await api('POST', `${C}/batch/update`, {
      body: { inputs: [{ id: id1, properties: { firstname: 'Al' } }, { id: 'b2@x.io', idProperty: 'email', properties: { firstname: 'Bea' } }] },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.json.results.map((o) => o.properties.firstname).sort(), ['Al', 'Bea']);
    const dupes = await api('POST', `${C}/batch/update`, {
      body: { inputs: [{ id: id1, properties: {} }, { id: id1, properties: {} }] },
    });
    assertError(dupes, 400, 'VALIDATION_ERROR');
    const upserted = await api('POST', `${C}/batch/upsert`, {
      body: { inputs: [
        { id: 'b1@x.io', idProperty: 'email', properties: { lastname: 'One' } },
        { id: 'b3@x.io', idProperty: 'email', properties: { lastname: 'Three' } }] },
    });
    assert.equal(upserted.status, 200, upserted.text);
    const byNew = Object.fromEntries(upserted.json.results.map((o) => [o.properties.email ?? o.id, o.new]));
    assert.equal(Object.values(byNew).filter((n) => n === true).length, 1);
    assert.equal(Object.values(byNew).filter((n) => n === false).length, 1);
    const archived = await api('POST', `${C}/batch/archive`, { body: { inputs: [{ id: id1 }, { id: id2 }] } });
    assert.equal(archived.status, 204);
    assertError(await api('GET', `${C}/${id1}`), 404, 'OBJECT_NOT_FOUND');
  });

  it('refuses batches over 100 inputs and lists every bad input', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ properties: { firstname: `n${i}` } }));
    assertError(await api('POST', `${C}/batch/create`, { body: { inputs } }), 400, 'VALIDATION_ERROR', /at most 100/);
    const r = await api('POST', `${C}/batch/create`, {
      body: { inputs: [{ properties: { email: 'bad' } }, { properties: { nope: '1' } }, { properties: { email: 'fine@x.io' } }] },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.in).sort(), ['inputs[0].properties.email', 'inputs[1].properties.nope']);
    const none = await api('POST', `${C}/search`, { body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'fine@x.io' }] }] } });
    assert.equal(none.json.total, 0, 'a refused batch creates nothing');
  });
});

describe('CRM objects: search', () => {
  let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ api } = ctx) });

  it('filters with every operator, sorts, pages and counts', async () => {
    const people = [
      ['ann@x.io', 'Ann', 'lead', '1999-01-01'], ['bob@y.io', 'Bob', 'customer', '1985-06-15'],
      ['cat@x.io', 'Cat', 'customer', ''], ['dan@z.io', 'Dan', 'lead', '2001-12-31'],
    ];
    for (const [email, firstname, lifecyclestage, dob] of people) {
      const r = await api('POST', C, { body: { properties: { email, firstname, lifecyclestage, date_of_birth: dob } } });
      assert.equal(r.status, 201, r.text);
    }
    const search = async (filters, extra = {}) => {
      const r = await api('POST', `${C}/search`, { body: { filterGroups: [{ filters }], properties: ['firstname'], ...extra } });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const names = (j) => j.results.map((o) => o.properties.firstname);
    assert.deepEqual(names(await search([{ propertyName: 'email', operator: 'EQ', value: 'BOB@y.io' }])), ['Bob']);
    assert.deepEqual(names(await search([{ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer'] }])), ['Bob', 'Cat']);
    assert.deepEqual(names(await search([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' }])), ['Ann', 'Dan']);
    assert.deepEqual(names(await search([{ propertyName: 'date_of_birth', operator: 'HAS_PROPERTY' }])), ['Ann', 'Bob', 'Dan']);
    assert.deepEqual(names(await search([{ propertyName: 'date_of_birth', operator: 'NOT_HAS_PROPERTY' }])), ['Cat']);
    // date_of_birth is a string property in HubSpot: GT compares text.
    assert.deepEqual(names(await search([{ propertyName: 'date_of_birth', operator: 'GT', value: '1990-01-01' }])), ['Ann', 'Dan']);
    assert.deepEqual(names(await search([{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@x.io' }])), ['Ann', 'Cat']);
    assert.deepEqual(names(await search([{ propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: '*@x.io' }])), ['Bob', 'Dan']);
    assert.deepEqual(names(await search([{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead'] }])), ['Bob', 'Cat']);
    // OR of groups, AND within one.
    const or = await api('POST', `${C}/search`, {
      body: { filterGroups: [
        { filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'Ann' }] },
        { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }, { propertyName: 'firstname', operator: 'EQ', value: 'Cat' }] }],
      properties: ['firstname'] },
    });
    assert.deepEqual(names(or.json), ['Ann', 'Cat']);
    // Sort, page, total.
    const p1 = await search([], { sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }], limit: 3 });
    assert.equal(p1.total, 4);
    assert.deepEqual(names(p1), ['Dan', 'Cat', 'Bob']);
    const p2 = await search([], { sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' }], limit: 3, after: p1.paging.next.after });
    assert.deepEqual(names(p2), ['Ann']);
    assert.equal(p2.paging, undefined);
    const q = await api('POST', `${C}/search`, { body: { query: 'da', properties: ['firstname'] } });
    assert.deepEqual(names(q.json), ['Dan']);
  });

  it('compares numbers and datetimes as values, not text', async () => {
    const D = '/crm/v3/objects/deals';
    for (const [dealname, amount, closedate] of [['a', '9', '2024-01-01T00:00:00Z'], ['b', '10', '2024-06-01T00:00:00Z'], ['c', '100.5', '']]) {
      assert.equal((await api('POST', D, { body: { properties: { dealname, amount, closedate } } })).status, 201);
    }
    const s = async (filters, sorts = []) => {
      const r = await api('POST', `${D}/search`, { body: { filterGroups: [{ filters }], sorts, properties: ['dealname'] } });
      assert.equal(r.status, 200, r.text);
      return r.json.results.map((o) => o.properties.dealname);
    };
    assert.deepEqual(await s([{ propertyName: 'amount', operator: 'GT', value: '9.5' }]), ['b', 'c']);
    assert.deepEqual(await s([{ propertyName: 'amount', operator: 'LTE', value: '10' }]), ['a', 'b']);
    assert.deepEqual(await s([{ propertyName: 'amount', operator: 'EQ', value: '10.0' }]), ['b']);
    assert.deepEqual(await s([{ propertyName: 'closedate', operator: 'LT', value: String(Date.parse('2024-03-01T00:00:00Z')) }]), ['a']);
    assert.deepEqual(await s([{ propertyName: 'closedate', operator: 'GTE', value: '2024-03-01' }]), ['b']);
    assert.deepEqual(await s([{ propertyName: 'amount', operator: 'HAS_PROPERTY' }], ['-amount']), ['c', 'b', 'a']);
    const bad = await api('POST', `${D}/search`, { body: { filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GT', value: 'many' }] }] } });
    assertError(bad, 400, 'VALIDATION_ERROR');
  });

  it('lists every problem of a bad search', async () => {
    const r = await api('POST', `${C}/search`, {
      body: {
        limit: 500,
        filterGroups: [{ filters: [
          { propertyName: 'nope', operator: 'EQ', value: 'x' },
          { propertyName: 'firstname', operator: 'LIKE', value: 'x' },
          { propertyName: 'firstname', operator: 'BETWEEN', value: 'a' },
          { propertyName: 'createdate', operator: 'GT', value: 'yesterday' }] }],
      },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.equal(r.json.errors.length, 5, JSON.stringify(r.json.errors));
    const six = Array.from({ length: 6 }, () => ({ filters: [{ propertyName: 'firstname', operator: 'HAS_PROPERTY' }] }));
    assertError(await api('POST', `${C}/search`, { body: { filterGroups: six } }), 400, 'VALIDATION_ERROR', /filterGroups/);
    assertError(await api('POST', `${C}/search`, { body: { after: '9990', limit: 20 } }), 400, 'VALIDATION_ERROR', /10000/);
  });
});

describe('CRM objects: associations on create and read', () => {
  let api;
  useServer({ scopes: ALL, onStart: (ctx) => ({ api } = ctx) });

  it('creates a record with associations and lists them with ?associations=', async () => {
    const co = await api('POST', '/crm/v3/objects/companies', { body: { properties: { name: 'Acme' } } });
    assert.equal(co.status, 201, co.text);
    // 279: contact → company (unlabeled), HubSpot's defined type.
    const c = await api('POST', C, {
      body: { properties: { email: 'assoc@x.io' },
        associations: [{ to: { id: co.json.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }] },
    });
    assert.equal(c.status, 201, c.text);
    const g = await api('GET', `${C}/${c.json.id}?associations=companies`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json.associations.companies.results.map((a) => a.id), [co.json.id]);
    assert.ok(g.json.associations.companies.results.every((a) => typeof a.type === 'string' && a.type.length > 0));
    // And from the other side, through the list endpoint.
    const l = await api('GET', `/crm/v3/objects/companies?associations=contacts`);
    const mine = l.json.results.find((o) => o.id === co.json.id);
    assert.deepEqual(mine.associations.contacts.results.map((a) => a.id).sort(), [c.json.id]);
    // Archiving the contact removes the association.
    assert.equal((await api('DELETE', `${C}/${c.json.id}`)).status, 204);
    const after = await api('GET', `/crm/v3/objects/companies/${co.json.id}?associations=contacts`);
    assert.equal(after.json.associations, undefined);
  });

  it('refuses associations to missing records or with unknown types, creating nothing', async () => {
    const bad = await api('POST', C, {
      body: { properties: { email: 'nope@x.io' },
        associations: [{ to: { id: '99999999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
          { to: { id: 'x' }, types: [] }] },
    });
    assertError(bad, 400, 'VALIDATION_ERROR');
    const s = await api('POST', `${C}/search`, { body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'nope@x.io' }] }] } });
    assert.equal(s.json.total, 0);
    assertError(await api('GET', `${C}?associations=spaceships`), 400, 'VALIDATION_ERROR');
  });
});
