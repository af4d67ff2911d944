// Request bodies used across the suites. Each call returns a fresh object (tests mutate them).

export const V4 = '/automation/v4';
export const BETA = '/automation/2026-09-beta';

// The smallest body HubSpot accepts: spec-required collections are left out on purpose.
export function minimalContactFlow(name = 'Minimal contact flow') {
  return { name, type: 'CONTACT_FLOW', flowType: 'WORKFLOW', isEnabled: false, objectTypeId: '0-1', actions: [] };
}

export function minimalPlatformFlow(name = 'Minimal deal flow', objectTypeId = '0-3') {
  return { name, type: 'PLATFORM_FLOW', flowType: 'WORKFLOW', isEnabled: false, objectTypeId, actions: [] };
}

export function delayAction(actionId, next, delta = '1440') {
  const a = {
    type: 'SINGLE_CONNECTION', actionId, actionTypeId: '0-1', actionTypeVersion: 0,
    fields: { delta, time_unit: 'MINUTES' },
  };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

export function emailAction(actionId, contentId, next) {
  const a = {
    type: 'SINGLE_CONNECTION', actionId, actionTypeId: '0-4', actionTypeVersion: 0,
    fields: { content_id: String(contentId) },
  };
  if (next) a.connection = { edgeType: 'STANDARD', nextActionId: next };
  return a;
}

export function propertyFilterBranch(property, values) {
  return {
    filterBranchType: 'OR', filterBranchOperator: 'OR', filters: [],
    filterBranches: [{
      filterBranchType: 'AND', filterBranchOperator: 'AND', filterBranches: [],
      filters: [{
        filterType: 'PROPERTY', property,
        operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values, includeObjectsWithNoValueSet: false },
      }],
    }],
  };
}

// A complete contact flow: form submission → delay → marketing email.
export function fullContactFlow(name = 'Form follow-up', contentId = '113782603056') {
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: false,
    name, description: 'Follow-up one day after the form is submitted',
    canEnrollFromSalesforce: false,
    startActionId: '1',
    actions: [delayAction('1', '2'), emailAction('2', contentId)],
    enrollmentCriteria: {
      type: 'EVENT_BASED', shouldReEnroll: false,
      eventFilterBranches: [{
        filterBranchType: 'UNIFIED_EVENTS', filterBranchOperator: 'AND',
        eventTypeId: '4-1639801', operator: 'HAS_COMPLETED', filterBranches: [],
        filters: [{
          filterType: 'PROPERTY', property: 'hs_form_id',
          operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['0f1e2d3c-aaaa-bbbb-cccc-000011112222'], includeObjectsWithNoValueSet: false },
        }],
      }],
      listMembershipFilterBranches: [],
    },
    timeWindows: [], blockedDates: [], customProperties: {}, dataSources: [], suppressionListIds: [],
  };
}

// A complete deal flow: list-based trigger, delay, in-app notification.
export function fullPlatformFlow(name = 'Deal stage follow-up') {
  return {
    type: 'PLATFORM_FLOW', objectTypeId: '0-3', flowType: 'WORKFLOW', isEnabled: false, name,
    startActionId: '1',
    actions: [
      delayAction('1', '2'),
      {
        type: 'SINGLE_CONNECTION', actionId: '2', actionTypeId: '0-9', actionTypeVersion: 0,
        fields: { user_ids: ['2620022'], delivery_method: 'APP', subject: 'Follow up', body: 'Time to follow up' },
      },
    ],
    enrollmentCriteria: {
      type: 'LIST_BASED', shouldReEnroll: false, unEnrollObjectsNotMeetingCriteria: false,
      listFilterBranch: propertyFilterBranch('dealstage', ['qualifiedtobuy']),
      reEnrollmentTriggersFilterBranches: [],
    },
    timeWindows: [{ day: 'MONDAY', startTime: { hour: 9, minute: 0 }, endTime: { hour: 17, minute: 0 } }],
    blockedDates: [{ month: 'DECEMBER', dayOfMonth: 25 }],
    customProperties: {}, dataSources: [],
  };
}

// The PUT body derived from a GET body: the whole object sent back with changes applied
// (read-only fields included on purpose — the server must ignore them).
export function putBodyFrom(flow, changes = {}) {
  return { ...structuredClone(flow), ...changes };
}

export const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// A contact flow using all six action variants, a schedule, an anchor, an un-enrollment setting
// and a goal: every part of the flow model makes one round trip through the server.
export function everyVariantFlow(name = 'every variant') {
  const std = (n) => ({ edgeType: 'STANDARD', nextActionId: n });
  return {
    type: 'CONTACT_FLOW', objectTypeId: '0-1', flowType: 'WORKFLOW', isEnabled: false, name,
    uuid: `uuid-${name.replace(/\s+/g, '-')}`,
    canEnrollFromSalesforce: true,
    startActionId: '1',
    actions: [
      { type: 'SINGLE_CONNECTION', actionId: '1', actionTypeId: '0-5', actionTypeVersion: 0, connection: std('2'),
        fields: { property_name: 'lifecyclestage', value: { type: 'STATIC_VALUE', staticValue: 'lead' } } },
      { type: 'STATIC_BRANCH', actionId: '2',
        inputValue: { type: 'OBJECT_PROPERTY', propertyName: 'lifecyclestage' },
        staticBranches: [{ branchValue: 'lead', connection: std('3') }, { branchValue: 'customer', connection: std('4') }],
        defaultBranchName: 'Other', defaultBranch: std('5') },
      { type: 'LIST_BRANCH', actionId: '3',
        listBranches: [{ branchName: 'Has email', filterBranch: propertyFilterBranch('hs_email_domain', ['example.com']), connection: std('6') }],
        defaultBranchName: 'None matched', defaultBranch: { edgeType: 'GOTO', nextActionId: '5' } },
      { type: 'AB_TEST_BRANCH', actionId: '4',
        testBranches: [{ percentage: 50, connection: std('7') }, { percentage: 50, connection: std('8') }] },
      { type: 'CUSTOM_CODE', actionId: '5', runtime: 'NODE20X',
        sourceCode: "exports.main = async (event, callback) => callback({ outputFields: { tier: 'gold' } });",
        secretNames: [],
        inputFields: [{ name: 'email', value: { type: 'OBJECT_PROPERTY', propertyName: 'email' } }],
        outputFields: [{ type: 'ENUMERATION', name: 'tier', options: ['gold', 'silver'] }] },
      { type: 'WEBHOOK', actionId: '6', method: 'POST', webhookUrl: 'https://example.com/hook',
        queryParams: [{ name: 'id', value: { type: 'OBJECT_PROPERTY', propertyName: 'hs_object_id' } }],
        authSettings: { type: 'SIGNATURE', appId: 12345 } },
      { type: 'SINGLE_CONNECTION', actionId: '7', actionTypeId: '0-9', actionTypeVersion: 0,
        fields: { user_ids: ['2620022'], delivery_method: 'APP', subject: 'A', body: 'B' } },
      { type: 'SINGLE_CONNECTION', actionId: '8', actionTypeId: '0-35', actionTypeVersion: 0, connection: std('9'),
        fields: { date: { type: 'OBJECT_PROPERTY', propertyName: 'closedate' }, delta: '1', time_unit: 'DAYS', time_of_day: { hour: 9, minute: 30 } } },
      { type: 'SINGLE_CONNECTION', actionId: '9', actionTypeId: '0-14', actionTypeVersion: 0,
        fields: { object_type_id: '0-3', properties: [{ targetProperty: 'dealname', value: { type: 'STATIC_VALUE', staticValue: 'New deal' } }], use_explicit_associations: 'true' } },
    ],
    enrollmentCriteria: { type: 'MANUAL', shouldReEnroll: true },
    enrollmentSchedule: { type: 'WEEKLY', daysOfWeek: ['MONDAY', 'FRIDAY'], timeOfDay: { hour: 8, minute: 15 } },
    eventAnchor: { type: 'CONTACT_PROPERTY_ANCHOR', contactProperty: 'date_of_birth' },
    unEnrollmentSetting: { type: 'SELECTIVE', flowIds: [] },
    goalFilterBranch: propertyFilterBranch('lifecyclestage', ['customer']),
    timeWindows: [{ day: 'TUESDAY', startTime: { hour: 8, minute: 0 }, endTime: { hour: 18, minute: 30 } }],
    blockedDates: [{ month: 'JANUARY', dayOfMonth: 1 }, { month: 'DECEMBER', dayOfMonth: 24, year: 2030 }],
    customProperties: { team: 'growth', owner: 'ops' },
    dataSources: [],
    suppressionListIds: [17, 42],
  };
}
