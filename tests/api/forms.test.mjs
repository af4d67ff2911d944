// /marketing/v3/forms: CRUD of HubSpot ("hubspot" type) form definitions with paging and
// archiving. Every response is validated against forms.v3 by lib/api.mjs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError, client } from './lib/api.mjs';
import { contactForm } from './lib/forms-fixtures.mjs';

const F = '/marketing/v3/forms';

describe('forms', () => {
  let srv; let api;
  useServer({ scopes: ['forms'], onStart: (ctx) => ({ srv, api } = ctx) });

  it('creates a form with every spec-required field filled in, and reads it back', async () => {
    const r = await api('POST', F, { body: contactForm });
    assert.equal(r.status, 201, r.text);
    const f = r.json;
    assert.match(f.id, /^[0-9a-f-]{36}$/);
    assert.ok(r.headers.get('location').endsWith(`${F}/${f.id}`));
    assert.equal(f.name, 'Contact us');
    assert.equal(f.formType, 'hubspot');
    assert.equal(f.archived, false);
    assert.equal(f.configuration.postSubmitAction.value, 'Thanks!');
    assert.equal(f.configuration.prePopulateKnownValues, true, 'defaulted');
    assert.equal(f.displayOptions.submitButtonText, 'Submit');
    assert.equal(f.fieldGroups[1].groupType, 'default_group');
    assert.equal(f.fieldGroups[1].fields[1].validation.minAllowedDigits, 7);
    assert.equal(f.fieldGroups[1].fields[1].dependentFields[0].dependentField.name, 'mobilephone');
    assert.equal(f.fieldGroups[1].fields[0].options[1].displayOrder, 1);
    const g = await api('GET', `${F}/${f.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json, f);
  });

  it('lists every problem of an invalid definition with its path', async () => {
    const r = await api('POST', F, {
      body: { formType: 'captured', fieldGroups: [{ fields: [
        { objectTypeId: '0-1', name: 'email', fieldType: 'email' },
        { objectTypeId: '0-1', name: 'email', fieldType: 'single_line_text' },
        { objectTypeId: 'contacts', name: 'x', fieldType: 'single_line_text' },
        { objectTypeId: '0-1', name: 'y', fieldType: 'signature' }] }],
        configuration: { language: 'xx' }, legalConsentOptions: { type: 'maybe' } },
    });
    assertError(r, 400, 'VALIDATION_ERROR');
    assert.deepEqual(r.json.errors.map((e) => e.in).sort(), [
      'configuration.language', 'fieldGroups[0].fields[1].name', 'fieldGroups[0].fields[2].objectTypeId',
      'fieldGroups[0].fields[3].fieldType', 'formType', 'legalConsentOptions.type', 'name'].sort());
    assertError(await api('POST', F, { body: 'not json' }), 400, 'VALIDATION_ERROR');
    assertError(await api('POST', F, { body: { name: 'x', configuration: { postSubmitAction: { type: 'redirect_url', value: 'javascript:alert(1)' } } } }),
      400, 'VALIDATION_ERROR', /http/);
  });

  it('replaces with PUT (a GET body can be sent back) and merges with PATCH', async () => {
    const f = (await api('POST', F, { body: contactForm })).json;
    const put = await api('PUT', `${F}/${f.id}`, { body: { ...f, name: 'Renamed', fieldGroups: [f.fieldGroups[0]] } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.name, 'Renamed');
    assert.equal(put.json.fieldGroups.length, 1);
    assert.equal(put.json.createdAt, f.createdAt);
    assert.equal(put.json.id, f.id);
    const patch = await api('PATCH', `${F}/${f.id}`, { body: { configuration: { language: 'de' }, displayOptions: { theme: 'round' } } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.json.name, 'Renamed');
    assert.equal(patch.json.configuration.language, 'de');
    assert.equal(patch.json.configuration.postSubmitAction.value, 'Thanks!');
    assert.equal(patch.json.displayOptions.theme, 'round');
    assert.equal(patch.json.displayOptions.submitButtonText, 'Submit');
    assertError(await api('PATCH', `${F}/${f.id}`, { body: { name: '' } }), 400, 'VALIDATION_ERROR', /name/);
    assertError(await api('PUT', `${F}/${f.id}`, { body: { fieldGroups: [] } }), 400, 'VALIDATION_ERROR', /name/);
    assertError(await api('PUT', `${F}/no-such-form`, { body: contactForm }), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('PATCH', `${F}/no-such-form`, { body: {} }), 404, 'OBJECT_NOT_FOUND');
  });

  it('archives with DELETE and restores with PATCH archived=false', async () => {
    const f = (await api('POST', F, { body: { name: 'Short-lived' } })).json;
    const d = await api('DELETE', `${F}/${f.id}`);
    assert.equal(d.status, 204);
    assertError(await api('GET', `${F}/${f.id}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${F}/${f.id}`), 404, 'OBJECT_NOT_FOUND');
    const archived = await api('GET', `${F}/${f.id}?archived=true`);
    assert.equal(archived.status, 200);
    assert.equal(archived.json.archived, true);
    assert.ok(archived.json.archivedAt);
    assertError(await api('PUT', `${F}/${f.id}`, { body: { name: 'x' } }), 404, 'OBJECT_NOT_FOUND');
    const restored = await api('PATCH', `${F}/${f.id}`, { body: { archived: false } });
    assert.equal(restored.status, 200);
    assert.equal(restored.json.archived, false);
    assert.equal(restored.json.archivedAt, undefined);
    assert.equal((await api('GET', `${F}/${f.id}`)).status, 200);
  });

  it('pages through forms, filters by archived and formTypes', async () => {
    const fresh = client(srv, srv.createToken(srv.createAccount('Paging'), { scopes: ['forms'], name: 'paging' }));
    const ids = [];
    for (let i = 0; i < 25; i++) ids.push((await fresh('POST', F, { body: { name: `F${i}` } })).json.id);
    await fresh('DELETE', `${F}/${ids[24]}`);
    const p1 = await fresh('GET', F);
    assert.equal(p1.json.results.length, 20, 'default limit 20');
    const p2 = await fresh('GET', `${F}?after=${p1.json.paging.next.after}`);
    assert.deepEqual([...p1.json.results, ...p2.json.results].map((x) => x.id), ids.slice(0, 24));
    assert.equal(p2.json.paging, undefined);
    assert.deepEqual((await fresh('GET', `${F}?archived=true`)).json.results.map((x) => x.id), [ids[24]]);
    assert.equal((await fresh('GET', `${F}?formTypes=hubspot&limit=100`)).json.results.length, 24);
    assert.equal((await fresh('GET', `${F}?formTypes=all&limit=100`)).json.results.length, 24);
    assert.deepEqual((await fresh('GET', `${F}?formTypes=captured&formTypes=flow`)).json.results, []);
    assertError(await fresh('GET', `${F}?formTypes=bogus`), 400, 'VALIDATION_ERROR', /formTypes/);
    assertError(await fresh('GET', `${F}?limit=101`), 400, 'VALIDATION_ERROR', /limit/);
    assertError(await fresh('GET', `${F}?after=zzz`), 400, 'VALIDATION_ERROR', /after/);
    // Accounts are walls.
    assertError(await api('GET', `${F}/${ids[0]}`), 404, 'OBJECT_NOT_FOUND');
    assertError(await api('DELETE', `${F}/${ids[0]}`), 404, 'OBJECT_NOT_FOUND');
  });

  it('needs the forms scope', async () => {
    const other = client(srv, srv.createToken(srv.accountId, { scopes: ['content'], name: 'content-only' }));
    const r = await other('GET', F);
    assertError(r, 403, 'MISSING_SCOPES');
    assert.deepEqual(r.json.errors[0].context.requiredGranularScopes, ['forms']);
    assertError(await api('GET', F, { token: null }), 401, 'INVALID_AUTHENTICATION');
  });
});
