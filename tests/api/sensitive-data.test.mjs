// Data sensitivity (issue 3 §6): sensitive property values need the type's sensitive scopes, and
// flows that reference sensitive properties need them too; highly sensitive properties cannot be
// used by automation.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { assertError } from './lib/api.mjs';
import { minimalContactFlow, propertyFilterBranch } from './lib/fixtures.mjs';

const BASE = [
  'automation',
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.schemas.contacts.read', 'crm.schemas.contacts.write',
];
const SENSITIVE = [
  'crm.objects.contacts.sensitive.read', 'crm.objects.contacts.sensitive.write',
  'crm.objects.contacts.highly_sensitive.read', 'crm.objects.contacts.highly_sensitive.write',
];
const C = '/crm/v3/objects/contacts';

function property(name, dataSensitivity) {
  return { name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation', dataSensitivity };
}

// A contact flow whose enrollment filter names `prop`.
function flowOn(prop, name) {
  const flow = minimalContactFlow(name);
  flow.enrollmentCriteria = {
    type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: false,
    reEnrollmentTriggersFilterBranches: [], listFilterBranch: propertyFilterBranch(prop, ['x']),
  };
  return flow;
}

describe('sensitive data', () => {
  let srv; let api; let full; let plain;
  useServer({ scopes: [...BASE, ...SENSITIVE], onStart: (ctx) => ({ srv, api } = ctx) });
  before(async () => {
    full = srv.token;
    plain = srv.createToken(srv.accountId, { scopes: BASE, name: 'plain' });
    for (const [name, level] of [['ssn', 'sensitive'], ['genome', 'highly_sensitive'], ['nickname', 'non_sensitive']]) {
      const r = await api('POST', '/crm/v3/properties/contacts', { body: property(name, level) });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.dataSensitivity, level);
    }
  });

  it('returns sensitive values only to tokens with the sensitive read scope', async () => {
    const c = await api('POST', C, { body: { properties: { email: 's@x.io', ssn: '123', nickname: 'Sam' } } });
    assert.equal(c.status, 201, c.text);
    const withScope = await api('GET', `${C}/${c.json.id}?properties=ssn,nickname`);
    assert.deepEqual(withScope.json.properties, { ssn: '123', nickname: 'Sam' });
    const without = await api('GET', `${C}/${c.json.id}?properties=ssn,nickname&propertiesWithHistory=ssn`, { token: plain });
    assert.equal(without.status, 200);
    assert.deepEqual(without.json.properties, { nickname: 'Sam' });
    assert.equal(without.json.propertiesWithHistory, undefined);
    const search = await api('POST', `${C}/search`, {
      token: plain, body: { filterGroups: [{ filters: [{ propertyName: 'ssn', operator: 'EQ', value: '123' }] }] },
    });
    assertError(search, 403, 'MISSING_SCOPES');
  });

  it('writes sensitive values only with the sensitive write scope', async () => {
    const r = await api('POST', C, { token: plain, body: { properties: { email: 'p@x.io', ssn: '9' } } });
    assertError(r, 403, 'MISSING_SCOPES');
    assert.ok(r.json.errors[0].context.requiredGranularScopes.includes('crm.objects.contacts.sensitive.write'));
    const ok = await api('POST', C, { token: plain, body: { properties: { email: 'p@x.io', nickname: 'P' } } });
    assert.equal(ok.status, 201, 'non-sensitive writes need no extra scope');
  });

  it('guards flows that reference sensitive properties', async () => {
    const denied = await api('POST', '/automation/v4/flows', { token: plain, body: flowOn('ssn', 'needs scope') });
    assertError(denied, 403, 'MISSING_SCOPES');
    assert.ok(denied.json.errors[0].context.requiredGranularScopes.includes('crm.objects.contacts.sensitive.write'));
    const created = await api('POST', '/automation/v4/flows', { token: full, body: flowOn('ssn', 'sensitive flow') });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    // Reading the flow itself needs only `automation`; changing or deleting it needs the scope.
    assert.equal((await api('GET', `/automation/v4/flows/${id}`, { token: plain })).status, 200);
    const put = await api('PUT', `/automation/v4/flows/${id}`, {
      token: plain, body: { ...flowOn('nickname', 'now harmless'), revisionId: created.json.revisionId },
    });
    assertError(put, 403, 'MISSING_SCOPES');
    assertError(await api('DELETE', `/automation/v4/flows/${id}`, { token: plain }), 403, 'MISSING_SCOPES');
    assertError(await api('GET', `/automation/v4/flows/performance/${id}`, { token: plain }), 403, 'MISSING_SCOPES');
    assert.equal((await api('DELETE', `/automation/v4/flows/${id}`, { token: full })).status, 204);
    const harmless = await api('POST', '/automation/v4/flows', { token: plain, body: flowOn('nickname', 'harmless') });
    assert.equal(harmless.status, 201, harmless.text);
  });

  it('refuses highly sensitive properties in flows with a 400 naming them', async () => {
    const r = await api('POST', '/automation/v4/flows', { token: full, body: flowOn('genome', 'never') });
    assertError(r, 400, 'VALIDATION_ERROR', /genome/);
  });
});
