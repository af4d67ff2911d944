// Form definitions shared by the forms and form-submission suites.

// A contact form using HubSpot's default contact properties, with a dependent field, options
// and a blocked email domain.
export const contactForm = {
  name: 'Contact us',
  formType: 'hubspot',
  fieldGroups: [
    { groupType: 'default_group', richTextType: 'text', fields: [
      { objectTypeId: '0-1', name: 'email', label: 'Email', fieldType: 'email', required: true,
        validation: { blockedEmailDomains: ['spam.example'], useDefaultBlockList: false } },
      { objectTypeId: '0-1', name: 'firstname', label: 'First name', fieldType: 'single_line_text', required: false },
    ] },
    { fields: [
      { objectTypeId: '0-1', name: 'lifecyclestage', fieldType: 'dropdown', options: [{ label: 'Lead', value: 'lead' }, { label: 'Customer', value: 'customer' }] },
      { objectTypeId: '0-1', name: 'phone', fieldType: 'phone',
        dependentFields: [{ dependentCondition: { operator: 'is_not_empty' },
          dependentField: { objectTypeId: '0-1', name: 'mobilephone', fieldType: 'mobile_phone' } }] },
    ] },
  ],
  configuration: { language: 'en', postSubmitAction: { type: 'thank_you', value: 'Thanks!' } },
  legalConsentOptions: { type: 'none' },
};
