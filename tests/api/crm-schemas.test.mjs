// /crm-object-schemas/v3/schemas (and the /crm/v3/schemas alias): custom object schemas, their
// association definitions, archive and purge, scopes, account walls. Every response is validated
// against HubSpot's schemas spec (lib/contract.mjs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useServer } from './lib/suite.mjs';
import { client, assertError } from './lib/api.mjs';

const S = '/crm-object-schemas/v3/schemas';
const SCOPES = ['crm.schemas.custom.read', 'crm.schemas.custom.write', 'crm.schemas.contacts.read'];

function carsEgg(name = 'cars', extra = {}) {
  return {
    name,
    labels: { singular: 'Car', plural: 'Cars' },
    description: 'Vehicles we sell',
    primaryDisplayProperty: 'model',
    requiredProperties: ['model'],
    searchableProperties: ['model', 'vin'],
    secondaryDisplayProperties: ['year'],
    properties: [
      { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
      { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text', hasUniqueValue: true },
      { name: 'year', label: 'Year', type: 'number', fieldType: 'number' },
      { name: 'condition', label: 'Condition', type: 'enumeration', fieldType: 'radio',
        options: [{ label: 'New', value: 'new', displayOrder: 0, hidden: false }, { label: 'Used', value: 'used', displayOrder: 1, hidden: false }] },
    ],
    associatedObjects: ['CONTACT', '0-3'],
    metaType: 'PORTAL_SPECIFIC',
    ...extra,
  };
}

describe('schemas: lifecycle', () => {
  let srv;
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  it('create → get (id, name, fully qualified name, alias path) → list → batch read', async () => {
    const c = await api('POST', S, { body: carsEgg() });
    assert.equal(c.status, 201, c.text);
    const s = c.json;
    assert.match(s.id, /^\d+$/);
    assert.equal(s.objectTypeId, `2-${s.id}`);
    assert.equal(s.name, 'cars');
    assert.equal(s.fullyQualifiedName, `p${srv.accountId}_cars`);
    assert.deepEqual(s.labels, { singular: 'Car', plural: 'Cars' });
    assert.equal(s.primaryDisplayProperty, 'model');
    assert.deepEqual(s.requiredProperties, ['model']);
    assert.deepEqual(s.searchableProperties, ['model', 'vin']);
    assert.deepEqual(s.secondaryDisplayProperties, ['year']);
    assert.equal(s.archived, false);
    const names = s.properties.map((p) => p.name).sort();
    assert.deepEqual(names, ['condition', 'createdate', 'hs_object_id', 'lastmodifieddate', 'model', 'vin', 'year']);
    for (const p of s.properties) assert.equal(p.groupName, 'cars_information');
    assert.equal(s.properties.find((p) => p.name === 'vin').hasUniqueValue, true);
    assert.deepEqual(s.associations.map((a) => [a.fromObjectTypeId, a.toObjectTypeId, a.name]),
      [[s.objectTypeId, '0-1', 'cars_to_contact'], [s.objectTypeId, '0-3', 'cars_to_deal']]);
    for (const a of s.associations) assert.match(a.id, /^\d+$/);

    for (const t of [s.objectTypeId, 'cars', 'CARS', `p${srv.accountId}_cars`]) {
      const g = await api('GET', `${S}/${t}`);
      assert.equal(g.status, 200, `${t}: ${g.text}`);
      assert.deepEqual(g.json, s);
    }
    const alias = await api('GET', `/crm/v3/schemas/${s.objectTypeId}`);
    assert.deepEqual(alias.json, s);

    const bare = await api('GET', `${S}/cars?includePropertyDefinitions=false&includeAssociationDefinitions=false&includeAuditMetadata=false`);
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.json.properties, []);
    assert.deepEqual(bare.json.associations, []);
    assert.equal(bare.json.createdAt, undefined);

    const list = await api('GET', S);
    assert.deepEqual(list.json.results.map((x) => x.objectTypeId), [s.objectTypeId]);
    const batch = await api('POST', `${S}/batch/read`, {
      body: { inputs: ['cars', 'nope', s.objectTypeId], includeAssociationDefinitions: true, includeAuditMetadata: true, includePropertyDefinitions: false },
    });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.results.length, 1);
    assert.deepEqual(batch.json.results[0].properties, []);
  });

  it('update (PATCH) answers the ObjectTypeDefinition and checks property names', async () => {
    const c = await api('POST', S, { body: carsEgg('trucks') });
    assert.equal(c.status, 201, c.text);
    const u = await api('PATCH', `${S}/trucks`, {
      body: { labels: { singular: 'Truck', plural: 'Trucks' }, primaryDisplayProperty: 'vin', requiredProperties: ['model', 'vin'], clearDescription: true },
    });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.objectTypeId, c.json.objectTypeId);
    assert.equal(u.json.portalId, Number(srv.accountId));
    assert.deepEqual(u.json.labels, { singular: 'Truck', plural: 'Trucks' });
    assert.equal(u.json.primaryDisplayProperty, 'vin');
    assert.equal(u.json.description, undefined);
    const bad = await api('PATCH', `${S}/trucks`, { body: { requiredProperties: ['nope'], searchableProperties: ['also_nope'] } });
    assertError(bad, 400, 'VALIDATION_ERROR');
    assert.equal(bad.json.errors.length, 2);
    assertError(await api('PATCH', `${S}/trucks`, { body: { restorable: true } }), 400, 'VALIDATION_ERROR', /restorable/);
    assertError(await api('PATCH', `${S}/nope`, { body: {} }), 404, 'OBJECT_NOT_FOUND');
  });

  it('association definitions: create (201) and delete (204)', async () => {
    const boats = await api('POST', S, { body: { name: 'boats', labels: { singular: 'Boat', plural: 'Boats' } } });
    assert.equal(boats.status, 201, boats.text);
    const id = boats.json.objectTypeId;
    const a = await api('POST', `${S}/${id}/associations`, { body: { fromObjectTypeId: id, toObjectTypeId: '0-2', name: 'boat_owner' } });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.json.fromObjectTypeId, id);
    assert.equal(a.json.toObjectTypeId, '0-2');
    assert.equal(a.json.name, 'boat_owner');
    assertError(await api('POST', `${S}/${id}/associations`, { body: { fromObjectTypeId: id, toObjectTypeId: '0-2', name: 'boat_owner' } }), 409, 'CONFLICT');
    assertError(await api('POST', `${S}/${id}/associations`, { body: { fromObjectTypeId: '0-1', toObjectTypeId: 'planets' } }), 400, 'VALIDATION_ERROR');
    const g = await api('GET', `${S}/${id}`);
    assert.deepEqual(g.json.associations.map((x) => x.id), [a.json.id]);
    assert.equal((await api('DELETE', `${S}/${id}/associations/${a.json.id}`)).status, 204);
    assertError(await api('DELETE', `${S}/${id}/associations/${a.json.id}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${S}/${id}/associations/abc`), 404, 'OBJECT_NOT_FOUND');
  });

  it('delete archives, archived=true purges and frees the name', async () => {
    const c = await api('POST', S, { body: carsEgg('vans') });
    assert.equal(c.status, 201);
    const id = c.json.objectTypeId;
    assertError(await api('DELETE', `${S}/${id}?archived=true`), 400, 'VALIDATION_ERROR', /not archived/);
    assert.equal((await api('DELETE', `${S}/${id}`)).status, 204);
    assertError(await api('GET', `${S}/${id}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `/crm/v3/properties/${id}`), 400, 'VALIDATION_ERROR', /infer object type/);
    const archived = await api('GET', `${S}?archived=true`);
    assert.ok(archived.json.results.some((x) => x.objectTypeId === id && x.archived === true));
    assertError(await api('POST', S, { body: carsEgg('vans') }), 409, 'CONFLICT');
    assert.equal((await api('DELETE', `${S}/vans?archived=true`)).status, 204);
    assertError(await api('DELETE', `${S}/vans?archived=true`), 404, 'OBJECT_NOT_FOUND');
    const again = await api('POST', S, { body: carsEgg('vans') });
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.json.objectTypeId, id, 'type ids are never reused');
  });
});

describe('schemas: validation, scopes and accounts', () => {
  let srv;
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  it('lists every problem of a schema in one 400', async () => {
    const r = await api('POST', S, {
      body: {
        name: '9 lives', labels: { singular: '' }, primaryDisplayProperty: 'nope', requiredProperties: ['missing'],
        properties: [{ name: 'a', label: 'A', type: 'string', fieldType: 'number' }, { name: 'a', label: 'A2', type: 'string', fieldType: 'text' }],
        associatedObjects: ['planets'],
      },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    const ins = r.json.errors.map((e) => e.in);
    for (const i of ['name', 'labels.singular', 'labels.plural', 'primaryDisplayProperty', 'requiredProperties[0]', 'properties[0].fieldType']) {
      assert.ok(ins.includes(i), `no error at ${i}: ${JSON.stringify(r.json.errors)}`);
    }
    assertError(await api('POST', S, { body: { name: 'contacts', labels: { singular: 'C', plural: 'Cs' } } }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', S, { body: { name: 'x', labels: { singular: 'X', plural: 'Xs' }, associatedObjects: ['planets'] } }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', S, { body: 'nope' }), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', `${S}/contacts`), 404, 'OBJECT_NOT_FOUND', /standard object/);
    assertError(await api('GET', `${S}?includeAuditMetadata=perhaps`), 400, 'VALIDATION_ERROR');
  });

  it('needs crm.schemas.custom.write to write and a custom read scope to read', async () => {
    const reader = client(srv, srv.createToken(srv.accountId, { scopes: ['crm.objects.custom.read'] }));
    assert.equal((await reader('GET', S)).status, 200);
    const denied = await reader('POST', S, { body: carsEgg('nope') });
    assertError(denied, 403, 'MISSING_SCOPES');
    assert.deepEqual(denied.json.errors[0].context.requiredGranularScopes, ['crm.schemas.custom.write']);
    const none = client(srv, srv.createToken(srv.accountId, { scopes: ['automation'] }));
    assertError(await none('GET', S), 403, 'MISSING_SCOPES');
    // Sensitive properties need allowsSensitiveProperties and crm.objects.custom.sensitive.write.
    const secret = carsEgg('vaults', {
      allowsSensitiveProperties: true,
      properties: [{ name: 'model', label: 'M', type: 'string', fieldType: 'text' },
        { name: 'code', label: 'Code', type: 'string', fieldType: 'text', dataSensitivity: 'sensitive' }],
      searchableProperties: [], secondaryDisplayProperties: [],
    });
    assertError(await api('POST', S, { body: secret }), 403, 'MISSING_SCOPES');
    const sensitive = client(srv, srv.createToken(srv.accountId, { scopes: ['crm.schemas.custom.write', 'crm.objects.custom.sensitive.write'] }));
    assert.equal((await sensitive('POST', S, { body: secret })).status, 201);
    assertError(await sensitive('POST', S, { body: { ...secret, name: 'vaults2', allowsSensitiveProperties: false } }), 400, 'VALIDATION_ERROR');
  });

  it('keeps accounts apart', async () => {
    const c = await api('POST', S, { body: carsEgg('planes') });
    assert.equal(c.status, 201);
    const other = srv.createAccount('B');
    const b = client(srv, srv.createToken(other, { scopes: SCOPES }));
    assertError(await b('GET', `${S}/${c.json.objectTypeId}`), 404, 'OBJECT_NOT_FOUND');
    assert.deepEqual((await b('GET', S)).json.results, []);
    assertError(await b('DELETE', `${S}/${c.json.objectTypeId}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await b('GET', `/crm/v3/properties/${c.json.objectTypeId}`), 400, 'VALIDATION_ERROR');
    const theirs = await b('POST', S, { body: carsEgg('planes') });
    assert.equal(theirs.status, 201, 'the same name in another account is another schema');
    assert.notEqual(theirs.json.objectTypeId, c.json.objectTypeId);
  });
});

describe('schemas: hostile input never answers 5xx', () => {
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ api } = ctx) });

  it('every field of a schema egg, PATCH and association body replaced by every JSON kind', async () => {
    const kinds = [null, true, -1, 1.5, '', 'x'.repeat(5000), [], [1, null, {}], {}, { a: [] }];
    let n = 0;
    const egg = carsEgg('probe');
    for (const key of Object.keys(egg)) {
      for (const v of kinds) {
        const body = { ...egg, name: `probe${n++}`, [key]: v };
        const r = await api('POST', S, { body });
        assert.ok(r.status < 500, `${key}=${JSON.stringify(v)?.slice(0, 40)} → ${r.status} ${r.text.slice(0, 300)}`);
        const p = await api('PATCH', `${S}/probe0`, { body: { [key]: v, labels: v, requiredProperties: v } });
        assert.ok(p.status < 500, `PATCH ${key} → ${p.status} ${p.text.slice(0, 300)}`);
        const a = await api('POST', `${S}/probe0/associations`, { body: { fromObjectTypeId: v, toObjectTypeId: v, name: v } });
        assert.ok(a.status < 500, `association ${JSON.stringify(v)?.slice(0, 40)} → ${a.status}`);
      }
    }
    for (const v of kinds) {
      const b = await api('POST', `${S}/batch/read`, { body: { inputs: v, includePropertyDefinitions: v } });
      assert.ok(b.status < 500, `batch ${JSON.stringify(v)?.slice(0, 40)} → ${b.status}`);
    }
  });
});
