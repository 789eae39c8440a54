/**
 * The lead-qualification service's public base URL: the contact card calls
 * `${SERVICE_URL}/card/api/…` through hubspot.fetch. Written by
 * scripts/hubspot-app-configure.ts together with every URL in the *-hsmeta.json files; change it
 * with that script, not by hand, so the two never disagree.
 */
export const SERVICE_URL = 'https://lq.example.com';
