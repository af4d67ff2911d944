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
