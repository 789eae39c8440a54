/**
 * HubSpot's default property names per object, so a model that names a property HubSpot does not
 * have (a typo: `contact.jobtitel`) is caught when it is validated instead of silently scoring
 * everyone "unknown". Portals have custom properties too, so an unknown name is a warning, never an
 * error. The lists hold the default properties a qualification model can sensibly read; HubSpot
 * has more (hundreds of read-only `hs_` analytics ones), which also only cause a warning.
 */
import { closest } from './text.js';

export type HubSpotObject = 'contact' | 'company';

const SHARED = [
  'address',
  'annualrevenue',
  'city',
  'closedate',
  'country',
  'createdate',
  'days_to_close',
  'first_conversion_date',
  'first_conversion_event_name',
  'first_deal_created_date',
  'hs_analytics_first_timestamp',
  'hs_analytics_first_touch_converting_campaign',
  'hs_analytics_first_visit_timestamp',
  'hs_analytics_last_timestamp',
  'hs_analytics_last_touch_converting_campaign',
  'hs_analytics_last_visit_timestamp',
  'hs_analytics_num_page_views',
  'hs_analytics_num_visits',
  'hs_analytics_source',
  'hs_analytics_source_data_1',
  'hs_analytics_source_data_2',
  'hs_object_id',
  'hs_lead_status',
  'hs_latest_source',
  'hs_latest_source_timestamp',
  'hs_last_sales_activity_timestamp',
  'hubspot_owner_assigneddate',
  'hubspot_owner_id',
  'hubspot_team_id',
  'industry',
  'lifecyclestage',
  'notes_last_contacted',
  'notes_last_updated',
  'notes_next_activity_date',
  'num_associated_deals',
  'num_contacted_notes',
  'num_conversion_events',
  'phone',
  'recent_conversion_date',
  'recent_conversion_event_name',
  'recent_deal_amount',
  'recent_deal_close_date',
  'state',
  'total_revenue',
  'twitterhandle',
  'website',
  'zip',
];

/** Default contact properties (internal names). */
export const HUBSPOT_CONTACT_PROPERTIES: ReadonlySet<string> = new Set([
  ...SHARED,
  'associatedcompanyid',
  'company',
  'company_size',
  'currentlyinworkflow',
  'date_of_birth',
  'degree',
  'email',
  'engagements_last_meeting_booked',
  'fax',
  'field_of_study',
  'firstname',
  'gender',
  'graduation_date',
  'hs_buying_role',
  'hs_content_membership_status',
  'hs_country_region_code',
  'hs_email_bounce',
  'hs_email_click',
  'hs_email_domain',
  'hs_email_first_open_date',
  'hs_email_last_click_date',
  'hs_email_last_open_date',
  'hs_email_last_send_date',
  'hs_email_open',
  'hs_email_optout',
  'hs_email_quarantined',
  'hs_ip_timezone',
  'hs_language',
  'hs_lead_source',
  'hs_legal_basis',
  'hs_lifecyclestage_customer_date',
  'hs_lifecyclestage_evangelist_date',
  'hs_lifecyclestage_lead_date',
  'hs_lifecyclestage_marketingqualifiedlead_date',
  'hs_lifecyclestage_opportunity_date',
  'hs_lifecyclestage_other_date',
  'hs_lifecyclestage_salesqualifiedlead_date',
  'hs_lifecyclestage_subscriber_date',
  'hs_linkedin_url',
  'hs_marketable_status',
  'hs_persona',
  'hs_predictivecontactscore_v2',
  'hs_predictivescoringtier',
  'hs_sales_email_last_replied',
  'hs_seniority',
  'hs_sequences_is_enrolled',
  'hs_state_code',
  'hs_timezone',
  'hs_whatsapp_phone_number',
  'hubspotscore',
  'ip_city',
  'ip_country',
  'ip_country_code',
  'ip_state',
  'ip_state_code',
  'job_function',
  'jobtitle',
  'lastmodifieddate',
  'lastname',
  'linkedinbio',
  'linkedinconnections',
  'marital_status',
  'message',
  'military_status',
  'mobilephone',
  'num_unique_conversion_events',
  'numemployees',
  // Not a HubSpot default, but this project's sandbox and presets read it as the contact's band.
  'numberofemployees',
  'owneremail',
  'ownername',
  'relationship_status',
  'salutation',
  'school',
  'seniority',
  'start_date',
  'twitterprofilephoto',
  'work_email',
]);

/** Default company properties (internal names). */
export const HUBSPOT_COMPANY_PROPERTIES: ReadonlySet<string> = new Set([
  ...SHARED,
  'about_us',
  'address2',
  'description',
  'domain',
  'engagements_last_meeting_booked',
  'facebook_company_page',
  'facebookfans',
  'first_contact_createdate',
  'founded_year',
  'hs_annual_revenue_currency_code',
  'hs_country_code',
  'hs_ideal_customer_profile',
  'hs_is_target_account',
  'hs_lastmodifieddate',
  'hs_logo_url',
  'hs_num_blockers',
  'hs_num_child_companies',
  'hs_num_contacts_with_buying_roles',
  'hs_num_decision_makers',
  'hs_num_open_deals',
  'hs_parent_company_id',
  'hs_target_account',
  'hs_total_deal_value',
  'is_public',
  'linkedin_company_page',
  'linkedinbio',
  'name',
  'num_associated_contacts',
  'numberofemployees',
  'timezone',
  'total_money_raised',
  'twitterbio',
  'twitterfollowers',
  'type',
  'web_technologies',
]);

const BY_OBJECT: Record<HubSpotObject, ReadonlySet<string>> = {
  contact: HUBSPOT_CONTACT_PROPERTIES,
  company: HUBSPOT_COMPANY_PROPERTIES,
};

/** Is `name` one of HubSpot's default properties of that object? */
export function isDefaultProperty(object: HubSpotObject, name: string): boolean {
  return BY_OBJECT[object].has(name);
}

/**
 * Why a property reference may be wrong, or null when it names a default property or a property
 * of the app itself (`lq_…`). Suggests the closest default of the same object, or the same name on
 * the other object ("numemployees is a contact property").
 */
export function unknownPropertyMessage(ref: string): string | null {
  const dot = ref.indexOf('.');
  const object = ref.slice(0, dot) as HubSpotObject;
  const name = ref.slice(dot + 1);
  if (isDefaultProperty(object, name) || name.startsWith('lq_')) return null;
  const other: HubSpotObject = object === 'contact' ? 'company' : 'contact';
  const near = closest(name, BY_OBJECT[object]);
  const hint = near
    ? `did you mean "${object}.${near}"?`
    : isDefaultProperty(other, name)
      ? `did you mean "${other}.${name}"? "${name}" is a ${other} property`
      : 'check the spelling';
  return `"${ref}" is not one of HubSpot's default ${object} properties (${hint}); fine if your portal has it as a custom property`;
}
