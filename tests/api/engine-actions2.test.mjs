// Actions that read beyond the enrolled record, and association-triggered re-evaluation, end to
// end over HTTP: a created record's id as its action's output (a later set property targets it,
// ACTION_OUTPUT_OBJECT_PROPERTY reads it), FETCHED_OBJECT_PROPERTY over an ASSOCIATION data
// source, and LIST_BASED flows whose filters read associations re-evaluated when associations
// (or the associated records) change, or an association label they read is deleted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/suite.mjs';
import { eventually } from './lib/sinks.mjs';

const V4 = '/automation/v4';
const SCOPES = ['automation', 'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read',
  'crm.objects.deals.write', 'crm.lists.read', 'crm.lists.write', 'flowd.admin'];
const CONTACT_TO_COMPANY = 279;

function single(actionId, actionTypeId, fields, next) {
  const a = { type: 'SINGLE_CONNECTION', actionId, actionTypeId, actionTypeVersion: 0, fields };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}
const setProperty = (actionId, property, value, next, more = {}) =>
  single(actionId, '0-5', { property_name: property, value, ...more }, next);
const and = (filters, filterBranches = []) => ({ filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches, filters });
const or = (...branches) => ({ filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [], filterBranches: branches });
// Contacts associated with a company whose name is `name`.
const companyNamed = (name) => or(and([], [{
  filterBranchType: 'ASSOCIATION', filterBranchOperator: 'AND', objectTypeId: '0-2',
  associationTypeId: CONTACT_TO_COMPANY, associationCategory: 'HUBSPOT_DEFINED', operator: 'IN_LIST',
  filterBranches: [],
  filters: [{ filterType: 'PROPERTY', property: 'name',
    operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: name, includeObjectsWithNoValueSet: false } }],
}]));

function contactFlow(name, actions, enrollmentCriteria, extra = {}) {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: true, name,
    startActionId: actions[0].actionId, actions, enrollmentCriteria,
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
    canEnrollFromSalesforce: false, ...extra,
  };
}
const manual = { type: 'MANUAL', shouldReEnroll: false };

describe('engine: action outputs, fetched objects, association triggers', () => {
  let api;
  useServer({ scopes: SCOPES, serveArgs: ['--clock', 'manual'], onStart: (ctx) => ({ api } = ctx) });

  const advance = (ms = 0) => call('POST', '/flowd/v1/clock', 200, { advanceMs: ms });
  // `method path` answered `status`: its JSON body.
  const call = async (method, path, status, body) => {
    const r = await api(method, path, body === undefined ? {} : { body });
    assert.equal(r.status, status, r.text);
    return r.json;
  };
  const create = async (type, properties) => (await call('POST', `/crm/v3/objects/${type}`, 201, { properties })).id;
  const read = async (type, id, properties) =>
    (await call('GET', `/crm/v3/objects/${type}/${id}?properties=${properties.join(',')}`, 200)).properties;
  const associate = (contact, company) =>
    call('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`, 200);
  const createFlow = (body) => call('POST', `${V4}/flows`, 201, body);
  const enrollments = async (flowId) => (await call('GET', `${V4}/flows/${flowId}/enrollments`, 200)).results;
  const enrollAndFinish = async (flowId, objectId) => {
    await call('POST', `${V4}/flows/${flowId}/enrollments`, 200, { objectIds: [objectId] });
    await advance(0);
    return eventually(async () => {
      const [e] = (await enrollments(flowId)).filter((x) => String(x.objectId) === String(objectId));
      return e && e.status !== 'ACTIVE' ? e : null;
    }, { label: 'enrollment to end' });
  };
  const statusOf = async (flowId, objectId) => {
    const mine = (await enrollments(flowId)).filter((x) => String(x.objectId) === String(objectId));
    return mine.map((e) => e.status);
  };

  it('a created record is its action\'s output: a later set property targets it and reads it', async () => {
    const flow = await createFlow(contactFlow('Deal for contact', [
      single('1', '0-14', {
        object_type_id: '0-3', use_explicit_associations: 'true',
        properties: [{ targetProperty: 'dealname', value: { type: 'STATIC_VALUE', staticValue: 'Deal for {{ enrolled_object.firstname }}' } }],
      }, '2'),
      setProperty('2', 'amount', { type: 'STATIC_VALUE', staticValue: '1200' }, '3',
        { targetObject: '{{ action_outputs.action_output_1.hs_object_id }}' }),
      setProperty('3', 'jobtitle', { type: 'ACTION_OUTPUT_OBJECT_PROPERTY', actionOutputPropertyToken: 'action_outputs.action_output_1.dealname' }, '4'),
      setProperty('4', 'website', { type: 'STATIC_VALUE', staticValue: 'deal-{{ action_outputs.action_output_1.hs_object_id }}' }),
    ], manual));
    const contact = await create('contacts', { firstname: 'Ada' });
    const e = await enrollAndFinish(flow.id, contact);
    assert.equal(e.status, 'COMPLETED', JSON.stringify(e));
    const props = await read('contacts', contact, ['jobtitle', 'website']);
    assert.equal(props.jobtitle, 'Deal for Ada');
    const dealId = props.website.replace('deal-', '');
    assert.match(dealId, /^\d+$/);
    const deal = await read('deals', dealId, ['dealname', 'amount']);
    assert.equal(deal.dealname, 'Deal for Ada');
    assert.equal(deal.amount, '1200');
  });

  it('FETCHED_OBJECT_PROPERTY reads the associated record an ASSOCIATION data source fetches', async () => {
    const flow = await createFlow(contactFlow('Company name', [
      setProperty('1', 'jobtitle', { type: 'FETCHED_OBJECT_PROPERTY', propertyToken: 'fetched_objects.employer.name' }, '2'),
      setProperty('2', 'website', { type: 'STATIC_VALUE', staticValue: 'at {{ fetched_objects.employer.domain }}' }),
    ], manual, { dataSources: [{ type: 'ASSOCIATION', name: 'employer', objectTypeId: '0-2',
      associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CONTACT_TO_COMPANY }] }));
    const contact = await create('contacts', { firstname: 'Bo' });
    const company = await create('companies', { name: 'Acme', domain: 'acme.example' });
    await associate(contact, company);
    const e = await enrollAndFinish(flow.id, contact);
    assert.equal(e.status, 'COMPLETED', JSON.stringify(e));
    const props = await read('contacts', contact, ['jobtitle', 'website']);
    assert.equal(props.jobtitle, 'Acme');
    assert.equal(props.website, 'at acme.example');
  });

  it('a LIST_BASED flow reading associations enrolls on association changes and associated property changes', async () => {
    const flow = await createFlow(contactFlow('Works at Enrollco', [
      single('1', '0-1', { delta: '1', time_unit: 'DAYS' }),
    ], { type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: true,
      reEnrollmentTriggersFilterBranches: [], listFilterBranch: companyNamed('Enrollco') }));
    const enrollco = await create('companies', { name: 'Enrollco' });
    const other = await create('companies', { name: 'Other' });
    const a = await create('contacts', { firstname: 'Associated' });
    const b = await create('contacts', { firstname: 'Renamed' });
    await associate(b, other);
    await advance(0);
    assert.deepEqual(await statusOf(flow.id, a), []);
    assert.deepEqual(await statusOf(flow.id, b), []);

    // An association created through /crm/v4 enrolls the contact.
    await associate(a, enrollco);
    await eventually(async () => ((await statusOf(flow.id, a))[0] === 'ACTIVE' ? true : null),
      { label: 'contact enrolled by its new association' });

    // The associated company's name changing enrolls the contacts associated with it.
    await call('PATCH', `/crm/v3/objects/companies/${other}`, 200, { properties: { name: 'Enrollco' } });
    await eventually(async () => ((await statusOf(flow.id, b))[0] === 'ACTIVE' ? true : null),
      { label: 'contact enrolled by its company\'s change' });

    // A record created with the association enrolls too.
    const created = await call('POST', '/crm/v3/objects/contacts', 201, { properties: { firstname: 'New' },
      associations: [{ to: { id: enrollco }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: CONTACT_TO_COMPANY }] }] });
    await eventually(async () => ((await statusOf(flow.id, created.id))[0] === 'ACTIVE' ? true : null),
      { label: 'contact created with the association enrolled' });

    // Removing the association ends the enrollment (unEnrollObjectsNotMeetingCriteria).
    await call('DELETE', `/crm/v4/objects/contacts/${a}/associations/companies/${enrollco}`, 204);
    await eventually(async () => ((await statusOf(flow.id, a))[0] === 'UNENROLLED' ? true : null),
      { label: 'contact unenrolled when the association went' });
    assert.deepEqual(await statusOf(flow.id, b), ['ACTIVE']);

    // Deleting the associated company ends the enrollments of the contacts associated with it.
    await call('DELETE', `/crm/v3/objects/companies/${other}`, 204);
    await eventually(async () => ((await statusOf(flow.id, b))[0] === 'UNENROLLED' ? true : null),
      { label: 'contact unenrolled when its company was deleted' });
  });

  it('deleting an association label re-evaluates the flows and lists that read it', async () => {
    const L = '/crm/v4/associations/contacts/companies/labels';
    const [label] = (await call('POST', L, 200, { name: 'decision_maker', label: 'Decision maker' })).results;
    // Contacts associated, with the label, to a company named Labelco.
    const labelled = or(and([], [{
      filterBranchType: 'ASSOCIATION', filterBranchOperator: 'AND', objectTypeId: '0-2',
      associationTypeId: label.typeId, associationCategory: 'USER_DEFINED', operator: 'IN_LIST',
      filterBranches: [],
      filters: [{ filterType: 'PROPERTY', property: 'name',
        operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: 'Labelco', includeObjectsWithNoValueSet: false } }],
    }]));
    const flow = await createFlow(contactFlow('Decides at Labelco', [
      single('1', '0-1', { delta: '1', time_unit: 'DAYS' }),
    ], { type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: true,
      reEnrollmentTriggersFilterBranches: [], listFilterBranch: labelled }));
    const list = await call('POST', '/crm/v3/lists', 200, { name: 'Labelco deciders', objectTypeId: '0-1',
      processingType: 'DYNAMIC', filterBranch: labelled });
    const listId = (list.list ?? list).listId;
    const members = async () => (await call('GET', `/crm/v3/lists/${listId}/memberships`, 200)).results
      .map((m) => String(m.recordId));
    const company = await create('companies', { name: 'Labelco' });
    const contact = await create('contacts', { firstname: 'Decider' });
    await call('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, 201,
      [{ associationCategory: 'USER_DEFINED', associationTypeId: label.typeId }]);
    await eventually(async () => ((await statusOf(flow.id, contact))[0] === 'ACTIVE' ? true : null),
      { label: 'contact enrolled by its labelled association' });
    await eventually(async () => ((await members()).includes(String(contact)) ? true : null),
      { label: 'contact joined the list' });

    // Deleting the label takes it off the association (which stays, unlabelled): the contact no
    // longer matches, at once, without a change of its own.
    await call('DELETE', `${L}/${label.typeId}`, 204);
    await eventually(async () => ((await statusOf(flow.id, contact))[0] === 'UNENROLLED' ? true : null),
      { label: 'contact unenrolled when the label was deleted' });
    await eventually(async () => ((await members()).includes(String(contact)) ? null : true),
      { label: 'contact left the list when the label was deleted' });
    const still = await call('GET', `/crm/v4/objects/contacts/${contact}/associations/companies`, 200);
    assert.deepEqual(still.results.map((r) => String(r.toObjectId)), [String(company)]);
  });

  it('a DYNAMIC list reading associations follows association changes at once', async () => {
    const list = await call('POST', '/crm/v3/lists', 200, { name: 'At Listco', objectTypeId: '0-1',
      processingType: 'DYNAMIC', filterBranch: companyNamed('Listco') });
    const listId = (list.list ?? list).listId;
    const company = await create('companies', { name: 'Listco' });
    const contact = await create('contacts', { firstname: 'Member' });
    await associate(contact, company);
    const members = async () => (await call('GET', `/crm/v3/lists/${listId}/memberships`, 200)).results
      .map((m) => String(m.recordId));
    await eventually(async () => ((await members()).includes(String(contact)) ? true : null),
      { label: 'contact joined the list when associated' });
    await call('DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, 204);
    await eventually(async () => ((await members()).includes(String(contact)) ? null : true),
      { label: 'contact left the list when the association went' });
  });
});
