// /crm/v3/properties/{objectType}: built-in and custom definitions, groups, batches, scopes and
// sensitivity, account walls. Every response is validated against HubSpot's properties spec
// (lib/contract.mjs).
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { useServer } from './lib/suite.mjs';
import { client, assertError } from './lib/api.mjs';

const P = '/crm/v3/properties';

const SCOPES = [
  'crm.objects.contacts.read', 'crm.schemas.contacts.read', 'crm.schemas.contacts.write',
  'crm.objects.companies.read', 'crm.schemas.companies.write', 'crm.schemas.deals.write', 'tickets',
  'crm.objects.tasks.read', 'crm.objects.notes.read', 'crm.schemas.custom.read', 'crm.schemas.custom.write',
];

function textProperty(name, extra = {}) {
  return { name, label: `Label ${name}`, type: 'string', fieldType: 'text', groupName: 'contactinformation', ...extra };
}

describe('properties: built-in definitions', () => {
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ api } = ctx) });

  it('lists HubSpot\'s core properties of every standard type', async () => {
    const expected = {
      contacts: ['email', 'firstname', 'lastname', 'phone', 'company', 'lifecyclestage', 'hs_lead_status',
        'hubspot_owner_id', 'hs_object_id', 'createdate', 'lastmodifieddate'],
      companies: ['name', 'domain', 'industry', 'numberofemployees', 'annualrevenue', 'lifecyclestage'],
      deals: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'dealtype', 'hubspot_owner_id'],
      tickets: ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'hs_ticket_category'],
      tasks: ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_priority', 'hs_task_type', 'hs_timestamp'],
      notes: ['hs_note_body', 'hs_timestamp'],
    };
    for (const [type, names] of Object.entries(expected)) {
      const r = await api('GET', `${P}/${type}`);
      assert.equal(r.status, 200, `${type}: ${r.text}`);
      const got = new Map(r.json.results.map((p) => [p.name, p]));
      for (const n of names) assert.ok(got.has(n), `${type} lacks ${n}`);
      for (const p of r.json.results) {
        assert.equal(p.hubspotDefined, true);
        assert.equal(p.modificationMetadata.readOnlyDefinition, true);
        assert.equal(p.modificationMetadata.archivable, false);
      }
      assert.equal(got.get('hs_object_id').modificationMetadata.readOnlyValue, true);
    }
  });

  it('serves the same type by id, name and HubSpot\'s enum spelling', async () => {
    for (const t of ['0-1', 'contact', 'CONTACT', 'contacts']) {
      const r = await api('GET', `${P}/${t}/email`);
      assert.equal(r.status, 200, `${t}: ${r.text}`);
      assert.equal(r.json.name, 'email');
      assert.equal(r.json.hasUniqueValue, true);
    }
    const stage = await api('GET', `${P}/deals/dealstage`);
    assert.deepEqual(stage.json.options.map((o) => o.value), ['appointmentscheduled', 'qualifiedtobuy',
      'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);
    const lead = await api('GET', `${P}/contacts/hs_lead_status`);
    assert.deepEqual(lead.json.options.map((o) => o.value), ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL',
      'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']);
    const owner = await api('GET', `${P}/contacts/hubspot_owner_id`);
    assert.equal(owner.json.referencedObjectType, 'OWNER');
    assert.equal(owner.json.externalOptions, true);
  });

  it('answers 404 for unknown properties and 400 for unknown object types', async () => {
    assertError(await api('GET', `${P}/contacts/no_such_property`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('GET', `${P}/spaceships`), 400, 'VALIDATION_ERROR', /spaceships/);
    assertError(await api('GET', `${P}/2-999999/name`), 400, 'VALIDATION_ERROR');
  });

  it('keeps built-in definitions read-only', async () => {
    assertError(await api('PATCH', `${P}/contacts/email`, { body: { label: 'Mail' } }), 400, 'VALIDATION_ERROR');
    assertError(await api('DELETE', `${P}/contacts/email`), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', `${P}/contacts`, { body: textProperty('firstname') }), 409, 'CONFLICT');
  });
});

describe('properties: custom definitions', () => {
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ api } = ctx) });

  it('create → get → list → update → archive → archived list', async () => {
    const body = {
      name: 'favorite_color', label: 'Favorite color', type: 'enumeration', fieldType: 'select',
      groupName: 'contactinformation', description: 'Pick one', displayOrder: 2, formField: true,
      options: [{ label: 'Red', value: 'red', hidden: false, displayOrder: 0 }, { label: 'Blue', value: 'blue', hidden: false }],
    };
    const c = await api('POST', `${P}/contacts`, { body });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.name, 'favorite_color');
    assert.equal(c.json.hubspotDefined, false);
    assert.equal(c.json.modificationMetadata.archivable, true);
    assert.equal(c.json.dataSensitivity, 'non_sensitive');
    assert.equal(c.json.options.length, 2);
    assert.equal(c.json.archived, false);
    assert.ok(c.json.createdAt);

    const g = await api('GET', `${P}/contacts/favorite_color`);
    assert.deepEqual(g.json, c.json);
    const l = await api('GET', `${P}/contacts?properties=favorite_color,email`);
    assert.deepEqual(l.json.results.map((p) => p.name).sort(), ['email', 'favorite_color']);

    const u = await api('PATCH', `${P}/contacts/favorite_color`, {
      body: { label: 'Colour', options: [{ label: 'Green', value: 'green', hidden: false }] },
    });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.label, 'Colour');
    assert.deepEqual(u.json.options.map((o) => o.value), ['green']);

    assertError(await api('POST', `${P}/contacts`, { body }), 409, 'CONFLICT');
    const d = await api('DELETE', `${P}/contacts/favorite_color`);
    assert.equal(d.status, 204);
    assertError(await api('GET', `${P}/contacts/favorite_color`), 404, 'OBJECT_NOT_FOUND');
    const archived = await api('GET', `${P}/contacts/favorite_color?archived=true`);
    assert.equal(archived.status, 200);
    assert.equal(archived.json.archived, true);
    assert.ok(archived.json.archivedAt);
    const list = await api('GET', `${P}/contacts?archived=true`);
    assert.deepEqual(list.json.results.map((p) => p.name), ['favorite_color']);
    assertError(await api('POST', `${P}/contacts`, { body }), 409, 'CONFLICT', /archived/);
    assertError(await api('DELETE', `${P}/contacts/favorite_color`), 404, 'OBJECT_NOT_FOUND');
  });

  it('lists every problem of a definition in one 400', async () => {
    const r = await api('POST', `${P}/contacts`, {
      body: {
        name: 'Not Valid', label: '', type: 'enumeration', fieldType: 'text', groupName: 'nope',
        dataSensitivity: 'secret', options: [{ label: 'A', value: 'a;b' }, { label: 'B', value: 'b' }, { label: 'B2', value: 'b' }],
      },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    const ins = r.json.errors.map((e) => e.in);
    for (const i of ['name', 'label', 'dataSensitivity', 'options[0].value', 'options[2].value']) {
      assert.ok(ins.includes(i), `no error at ${i}: ${JSON.stringify(r.json.errors)}`);
    }
  });

  it('applies HubSpot\'s type/fieldType matrix and option rules', async () => {
    const bad = [
      textProperty('a1', { type: 'number', fieldType: 'text' }),
      textProperty('a2', { type: 'bool', fieldType: 'select' }),
      textProperty('a3', { type: 'datetime', fieldType: 'text' }),
      textProperty('a4', { type: 'enumeration', fieldType: 'radio' }),
      textProperty('a5', { fieldType: 'textarea', hasUniqueValue: true }),
      textProperty('a6', { type: 'number', fieldType: 'calculation_equation', calculationFormula: '1' }),
      textProperty('hs_mine'),
      textProperty('a7', { groupName: 'no_such_group' }),
      textProperty('a8', { referencedObjectType: 'COMPANY' }),
      textProperty('x'.repeat(101)),
      textProperty('a9', { type: 'weird' }),
      textProperty('a10', { options: [{ label: 'A', value: 'a' }] }),
    ];
    for (const body of bad) {
      assertError(await api('POST', `${P}/contacts`, { body }), 400, 'VALIDATION_ERROR');
    }
    const good = [
      textProperty('b1', { fieldType: 'textarea' }),
      textProperty('b2', { type: 'number', fieldType: 'number', hasUniqueValue: true }),
      textProperty('b3', { type: 'date', fieldType: 'date' }),
      textProperty('b4', { type: 'datetime', fieldType: 'date' }),
      textProperty('b5', { type: 'bool', fieldType: 'booleancheckbox' }),
      textProperty('b6', { type: 'enumeration', fieldType: 'checkbox', options: [{ label: 'A', value: 'a', hidden: false }] }),
      textProperty('b7', { type: 'phone_number', fieldType: 'phonenumber' }),
      textProperty('b8', { type: 'enumeration', fieldType: 'select', referencedObjectType: 'OWNER', externalOptions: true }),
    ];
    for (const body of good) {
      const r = await api('POST', `${P}/contacts`, { body });
      assert.equal(r.status, 201, `${body.name}: ${r.text}`);
    }
    const flag = await api('GET', `${P}/contacts/b5`);
    assert.deepEqual(flag.json.options.map((o) => o.value), ['true', 'false']);
  });

  it('refuses malformed bodies and parameters with 400', async () => {
    assertError(await api('POST', `${P}/contacts`, { body: '{"name": ' }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', `${P}/contacts`, { body: [1, 2] }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', `${P}/contacts`, { body: '' }), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', `${P}/contacts?archived=maybe`), 400, 'VALIDATION_ERROR');
    assertError(await api('GET', `${P}/contacts?dataSensitivity=secret`), 400, 'VALIDATION_ERROR');
  });

  it('batch create (201 / 207), batch read (200 / 207) and batch archive (204)', async () => {
    const ok = await api('POST', `${P}/deals/batch/create`, {
      body: { inputs: [textProperty('d1', { groupName: 'dealinformation' }), textProperty('d2', { groupName: 'dealinformation' })] },
    });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.status, 'COMPLETE');
    assert.deepEqual(ok.json.results.map((p) => p.name), ['d1', 'd2']);

    const partial = await api('POST', `${P}/deals/batch/create`, {
      body: { inputs: [textProperty('d3', { groupName: 'dealinformation' }), textProperty('d1', { groupName: 'dealinformation' }),
        textProperty('Bad Name', { groupName: 'dealinformation' })] },
    });
    assert.equal(partial.status, 207, partial.text);
    assert.deepEqual(partial.json.results.map((p) => p.name), ['d3']);
    assert.equal(partial.json.numErrors, 2);
    assert.equal(partial.json.errors[0].category, 'CONFLICT');
    assert.deepEqual(partial.json.errors[0].context.names, ['d1']);
    assert.equal(partial.json.errors[1].category, 'VALIDATION_ERROR');

    const read = await api('POST', `${P}/deals/batch/read`, {
      body: { archived: false, dataSensitivity: 'non_sensitive', inputs: [{ name: 'd1' }, { name: 'dealname' }] },
    });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json.results.map((p) => p.name).sort(), ['d1', 'dealname']);
    const missing = await api('POST', `${P}/deals/batch/read`, {
      body: { archived: false, dataSensitivity: 'non_sensitive', inputs: [{ name: 'd1' }, { name: 'nope' }] },
    });
    assert.equal(missing.status, 207);
    assert.equal(missing.json.errors[0].category, 'OBJECT_NOT_FOUND');

    assertError(await api('POST', `${P}/deals/batch/archive`, { body: { inputs: [{ name: 'd1' }, { name: 'dealname' }] } }),
      400, 'VALIDATION_ERROR');
    const archived = await api('POST', `${P}/deals/batch/archive`, { body: { inputs: [{ name: 'd1' }, { name: 'd2' }, { name: 'gone' }] } });
    assert.equal(archived.status, 204);
    assertError(await api('GET', `${P}/deals/d1`), 404, 'OBJECT_NOT_FOUND');

    const many = { inputs: Array.from({ length: 101 }, (_, i) => textProperty(`m${i}`, { groupName: 'dealinformation' })) };
    assertError(await api('POST', `${P}/deals/batch/create`, { body: many }), 400, 'VALIDATION_ERROR', /100/);
    assertError(await api('POST', `${P}/deals/batch/read`, { body: { inputs: 'x' } }), 400, 'VALIDATION_ERROR');
  });
});

describe('properties: groups', () => {
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ api } = ctx) });

  it('CRUD, with built-in groups read-only and non-empty groups kept', async () => {
    const list = await api('GET', `${P}/contacts/groups`);
    assert.equal(list.status, 200);
    assert.ok(list.json.results.some((g) => g.name === 'contactinformation'));
    const c = await api('POST', `${P}/contacts/groups`, { body: { name: 'billing', label: 'Billing', displayOrder: 4 } });
    assert.equal(c.status, 201, c.text);
    assert.deepEqual(c.json, { name: 'billing', label: 'Billing', displayOrder: 4, archived: false });
    assertError(await api('POST', `${P}/contacts/groups`, { body: { name: 'billing', label: 'x' } }), 409, 'CONFLICT');
    assertError(await api('POST', `${P}/contacts/groups`, { body: { name: 'contactinformation', label: 'x' } }), 409, 'CONFLICT');
    assertError(await api('POST', `${P}/contacts/groups`, { body: { label: 'no name' } }), 400, 'VALIDATION_ERROR');
    const g = await api('GET', `${P}/contacts/groups/billing`);
    assert.deepEqual(g.json, c.json);
    const u = await api('PATCH', `${P}/contacts/groups/billing`, { body: { label: 'Payments' } });
    assert.equal(u.status, 200);
    assert.equal(u.json.label, 'Payments');
    assert.equal(u.json.displayOrder, 4);
    assertError(await api('PATCH', `${P}/contacts/groups/contactinformation`, { body: { label: 'x' } }), 400, 'VALIDATION_ERROR');
    assertError(await api('DELETE', `${P}/contacts/groups/contactinformation`), 400, 'VALIDATION_ERROR');

    const p = await api('POST', `${P}/contacts`, { body: textProperty('iban', { groupName: 'billing' }) });
    assert.equal(p.status, 201);
    assertError(await api('DELETE', `${P}/contacts/groups/billing`), 400, 'VALIDATION_ERROR', /contains properties/);
    assert.equal((await api('DELETE', `${P}/contacts/iban`)).status, 204);
    assert.equal((await api('DELETE', `${P}/contacts/groups/billing`)).status, 204);
    assertError(await api('GET', `${P}/contacts/groups/billing`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${P}/contacts/groups/billing`), 404, 'OBJECT_NOT_FOUND');
  });
});

describe('properties: scopes, sensitivity and accounts', () => {
  let srv;
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });

  it('needs a read scope of the type to read and crm.schemas.<type>.write to write', async () => {
    const dealsOnly = client(srv, srv.createToken(srv.accountId, { scopes: ['crm.objects.deals.read'] }));
    assert.equal((await dealsOnly('GET', `${P}/deals`)).status, 200);
    const denied = await dealsOnly('GET', `${P}/contacts`);
    assertError(denied, 403, 'MISSING_SCOPES');
    assert.ok(denied.json.errors[0].context.requiredGranularScopes.includes('crm.objects.contacts.read'));
    const write = await dealsOnly('POST', `${P}/deals`, { body: textProperty('x', { groupName: 'dealinformation' }) });
    assertError(write, 403, 'MISSING_SCOPES');
    assert.deepEqual(write.json.errors[0].context.requiredGranularScopes, ['crm.schemas.deals.write']);
    // Workflows need definitions: `automation` reads them.
    const automation = client(srv, srv.createToken(srv.accountId, { scopes: ['automation'] }));
    assert.equal((await automation('GET', `${P}/contacts/email`)).status, 200);
    assertError(await automation('POST', `${P}/contacts/groups`, { body: { name: 'g', label: 'G' } }), 403, 'MISSING_SCOPES');
    // Tickets: HubSpot's `tickets` scope writes them.
    const t = await api('POST', `${P}/tickets`, { body: textProperty('t1', { groupName: 'ticketinformation' }) });
    assert.equal(t.status, 201, t.text);
  });

  it('creating sensitive definitions needs the type\'s sensitive write scope', async () => {
    const body = textProperty('ssn', { dataSensitivity: 'sensitive' });
    const denied = await api('POST', `${P}/contacts`, { body });
    assertError(denied, 403, 'MISSING_SCOPES');
    assert.ok(denied.json.errors[0].context.requiredGranularScopes.includes('crm.objects.contacts.sensitive.write'));
    const sensitive = client(srv, srv.createToken(srv.accountId, {
      scopes: ['crm.schemas.contacts.write', 'crm.objects.contacts.sensitive.write'],
    }));
    const c = await sensitive('POST', `${P}/contacts`, { body });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.dataSensitivity, 'sensitive');
    const plain = await api('GET', `${P}/contacts`);
    assert.ok(!plain.json.results.some((p) => p.name === 'ssn'), 'the default list is non_sensitive');
    const listed = await api('GET', `${P}/contacts?dataSensitivity=sensitive`);
    assert.deepEqual(listed.json.results.map((p) => p.name), ['ssn']);
    assert.equal((await api('GET', `${P}/contacts/ssn`)).status, 200);
    assertError(await api('GET', `${P}/contacts/ssn?dataSensitivity=non_sensitive`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PATCH', `${P}/contacts/ssn`, { body: { dataSensitivity: 'non_sensitive' } }), 400, 'VALIDATION_ERROR');
  });

  it('keeps accounts apart', async () => {
    const c = await api('POST', `${P}/companies`, {
      body: textProperty('secret_plan', { groupName: 'companyinformation' }),
    });
    assert.equal(c.status, 201, c.text);
    const other = srv.createAccount('B');
    const b = client(srv, srv.createToken(other, { scopes: SCOPES.concat(['crm.objects.companies.read']) }));
    assertError(await b('GET', `${P}/companies/secret_plan`), 404, 'OBJECT_NOT_FOUND');
    assert.ok(!(await b('GET', `${P}/companies`)).json.results.some((p) => p.name === 'secret_plan'));
    assertError(await b('DELETE', `${P}/companies/secret_plan`), 404, 'OBJECT_NOT_FOUND');
    const mine = await b('POST', `${P}/companies`, { body: textProperty('secret_plan', { groupName: 'companyinformation' }) });
    assert.equal(mine.status, 201, 'the same name in another account is another property');
  });
});

describe('properties: custom object types', () => {
  let srv;
  let api;
  let cars;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ srv, api } = ctx) });
  before(async () => {
    const r = await api('POST', '/crm-object-schemas/v3/schemas', {
      body: {
        name: 'cars', labels: { singular: 'Car', plural: 'Cars' }, primaryDisplayProperty: 'model',
        requiredProperties: ['model'], properties: [{ name: 'model', label: 'Model', type: 'string', fieldType: 'text' }],
        associatedObjects: ['CONTACT'],
      },
    });
    assert.equal(r.status, 201, r.text);
    cars = r.json;
  });

  it('serves a custom type\'s definitions by id, name and fully qualified name', async () => {
    for (const t of [cars.objectTypeId, 'cars', `p${srv.accountId}_cars`]) {
      const r = await api('GET', `${P}/${t}`);
      assert.equal(r.status, 200, `${t}: ${r.text}`);
      assert.deepEqual(r.json.results.map((p) => p.name).sort(), ['createdate', 'hs_object_id', 'lastmodifieddate', 'model']);
    }
    const groups = await api('GET', `${P}/cars/groups`);
    assert.deepEqual(groups.json.results.map((g) => g.name), ['cars_information']);
    const c = await api('POST', `${P}/${cars.objectTypeId}`, {
      body: { name: 'color', label: 'Color', type: 'string', fieldType: 'text', groupName: 'cars_information' },
    });
    assert.equal(c.status, 201, c.text);
    assertError(await api('DELETE', `${P}/cars/model`), 400, 'VALIDATION_ERROR', /primary display|required/);
    assertError(await api('DELETE', `${P}/cars/hs_object_id`), 400, 'VALIDATION_ERROR');
    assertError(await api('DELETE', `${P}/cars/groups/cars_information`), 400, 'VALIDATION_ERROR');
  });
});

describe('properties: hostile input never answers 5xx', () => {
  let api;
  useServer({ scopes: SCOPES, onStart: (ctx) => ({ api } = ctx) });

  it('every field of a create, PATCH and batch body replaced by every JSON kind', async () => {
    const base = {
      name: 'probe', label: 'Probe', type: 'enumeration', fieldType: 'select', groupName: 'contactinformation',
      description: 'd', displayOrder: 1, hasUniqueValue: false, hidden: false, formField: true,
      dataSensitivity: 'non_sensitive', referencedObjectType: 'OWNER', externalOptions: false,
      numberDisplayHint: 'formatted', textDisplayHint: 'email', showCurrencySymbol: true,
      options: [{ label: 'A', value: 'a', description: 'x', displayOrder: 0, hidden: false }],
    };
    const kinds = [null, true, -1, 2 ** 53, 1.5, '', 'x'.repeat(70000), [], [1, 'a', null], {}, { a: { b: [] } }];
    let n = 0;
    for (const key of Object.keys(base)) {
      for (const v of kinds) {
        const body = { ...base, name: `probe_${n++}`, [key]: v };
        for (const [method, path, b] of [
          ['POST', `${P}/contacts`, body],
          ['PATCH', `${P}/contacts/email`, body],
          ['POST', `${P}/contacts/batch/create`, { inputs: [body] }],
        ]) {
          const r = await api(method, path, { body: b });
          assert.ok(r.status < 500, `${method} ${path} with ${key}=${JSON.stringify(v)?.slice(0, 40)} → ${r.status} ${r.text.slice(0, 300)}`);
        }
      }
    }
    for (const v of kinds) {
      const opt = { ...base, name: `opt_${n++}`, options: [v] };
      const r = await api('POST', `${P}/contacts`, { body: opt });
      assert.ok(r.status < 500, `options[0]=${JSON.stringify(v)?.slice(0, 40)} → ${r.status}`);
      for (const path of [`${P}/contacts/batch/read`, `${P}/contacts/batch/archive`]) {
        const b = await api('POST', path, { body: { inputs: [v], archived: v, dataSensitivity: v } });
        assert.ok(b.status < 500, `${path} with ${JSON.stringify(v)?.slice(0, 40)} → ${b.status}`);
      }
    }
    for (const path of [`${P}/%00`, `${P}/contacts/${'x'.repeat(3000)}`, `${P}/contacts/groups/%2F..`]) {
      const r = await api('GET', path, { validate: false });
      assert.ok(r.status < 500, `${path} → ${r.status}`);
    }
  });
});
