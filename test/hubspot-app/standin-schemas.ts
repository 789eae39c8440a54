/**
 * Stand-ins for HubSpot's component schemas, which `@hubspot/project-parsing-lib` downloads from
 * HubSpot (`project-components-external/project-schemas/v3/2025.2`, an authenticated call) before
 * it validates a project. Offline, the test hands these to the library instead, so HubSpot's own
 * validation pipeline still runs: file parse errors, unexpected top-level fields, components in
 * the wrong folder or without an app, invalid uids, duplicated singular components, and an Ajv
 * check of each component's config.
 *
 * They encode only what HubSpot documents for 2025.2 (the developer-platform pages for the app,
 * workflow actions, webhooks, app cards and settings, and the 2025.2 templates in
 * HubSpot/hubspot-project-components); HubSpot's real schemas may be stricter. Keyed by the
 * library's internal component type.
 */

const https = { type: 'string', format: 'uri', pattern: '^https://' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const fieldName = { type: 'string', pattern: '^[a-z][a-z0-9_]*$' };

const typeDefinition = {
  type: 'object',
  required: ['name', 'type'],
  properties: {
    name: fieldName,
    type: {
      enum: [
        'string',
        'number',
        'bool',
        'datetime',
        'enumeration',
        'date',
        'phone_number',
        'currency_number',
        'json',
        'object_coordinates',
      ],
    },
    fieldType: {
      enum: [
        'booleancheckbox',
        'checkbox',
        'date',
        'file',
        'number',
        'phonenumber',
        'radio',
        'select',
        'text',
        'textarea',
        'calculation_equation',
        'calculation_rollup',
        'calculation_score',
        'calculation_read_time',
        'unknown',
        'html',
      ],
    },
    options: {
      type: 'array',
      items: {
        type: 'object',
        required: ['value', 'label'],
        properties: { value: { type: 'string' }, label: { type: 'string' } },
      },
    },
    optionsUrl: https,
    referencedObjectType: { type: 'string' },
  },
  additionalProperties: false,
};

export const STANDIN_SCHEMAS = {
  APPLICATION: {
    type: 'object',
    required: ['name', 'description', 'distribution', 'auth', 'permittedUrls'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S(.*\\S)?$' },
      description: { type: 'string', minLength: 1, maxLength: 8192 },
      distribution: { enum: ['private', 'marketplace'] },
      auth: {
        type: 'object',
        required: ['type', 'requiredScopes'],
        properties: {
          type: { enum: ['static', 'oauth'] },
          requiredScopes: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: '^[a-z][a-z0-9._-]*$' },
          },
          optionalScopes: { type: 'array', items: { type: 'string' } },
          conditionallyRequiredScopes: { type: 'array', items: { type: 'string' } },
          redirectUrls: { type: 'array', items: https },
        },
        additionalProperties: false,
        // "Apps configured with static auth can only define required scopes", and no redirect URLs.
        if: { properties: { type: { const: 'static' } } },
        then: {
          properties: {
            optionalScopes: { maxItems: 0 },
            conditionallyRequiredScopes: { maxItems: 0 },
          },
          not: { required: ['redirectUrls'] },
        },
      },
      permittedUrls: {
        type: 'object',
        required: ['fetch', 'iframe', 'img'],
        properties: {
          // hubspot.fetch allows origins: an HTTPS origin without a path.
          fetch: { type: 'array', items: { type: 'string', pattern: '^https://[^/]+$' } },
          iframe: { type: 'array', items: https },
          img: { type: 'array', items: https },
        },
        additionalProperties: false,
      },
      support: { type: 'object' },
    },
    additionalProperties: false,
    // A marketplace app needs OAuth.
    if: { properties: { distribution: { const: 'marketplace' } } },
    then: { properties: { auth: { properties: { type: { const: 'oauth' } } } } },
  },

  WORKFLOW_ACTION: {
    type: 'object',
    required: ['actionUrl', 'supportedClients', 'labels'],
    properties: {
      actionUrl: https,
      isPublished: { type: 'boolean' },
      supportedClients: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['client'],
          properties: { client: { enum: ['WORKFLOWS', 'AGENTS'] } },
          additionalProperties: false,
        },
      },
      objectTypes: { type: 'array', items: { type: 'string', pattern: '^[A-Z_0-9-]+$' } },
      inputFields: {
        type: 'array',
        items: {
          type: 'object',
          required: ['typeDefinition', 'isRequired'],
          properties: {
            typeDefinition,
            supportedValueTypes: {
              type: 'array',
              minItems: 1,
              items: {
                enum: [
                  'STATIC_VALUE',
                  'OBJECT_PROPERTY',
                  'FIELD_DATA',
                  'FETCHED_OBJECT_PROPERTY',
                  'ENROLLMENT_EVENT_PROPERTY',
                ],
              },
            },
            isRequired: { type: 'boolean' },
            automationFieldType: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
      inputFieldDependencies: { type: 'array' },
      outputFields: {
        type: 'array',
        items: {
          type: 'object',
          required: ['typeDefinition'],
          properties: { typeDefinition },
          additionalProperties: false,
        },
      },
      objectRequestOptions: { type: 'object' },
      executionRules: { type: 'array' },
      labels: {
        type: 'object',
        required: ['en'],
        additionalProperties: {
          type: 'object',
          required: ['actionName'],
          properties: {
            actionName: { type: 'string', minLength: 1 },
            actionDescription: { type: 'string' },
            actionCardContent: { type: 'string' },
            appDisplayName: { type: 'string' },
            inputFieldLabels: stringMap,
            outputFieldLabels: stringMap,
            inputFieldDescriptions: stringMap,
            inputFieldOptionLabels: { type: 'object' },
            executionRules: stringMap,
          },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },

  WEBHOOKS: {
    type: 'object',
    required: ['settings', 'subscriptions'],
    properties: {
      settings: {
        type: 'object',
        required: ['targetUrl', 'maxConcurrentRequests'],
        properties: { targetUrl: https, maxConcurrentRequests: { type: 'integer', minimum: 1 } },
        additionalProperties: false,
      },
      subscriptions: {
        type: 'object',
        properties: {
          crmObjects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['subscriptionType', 'objectType', 'active'],
              properties: {
                subscriptionType: {
                  enum: [
                    'object.creation',
                    'object.deletion',
                    'object.merge',
                    'object.restore',
                    'object.propertyChange',
                    'object.associationChange',
                  ],
                },
                objectType: { type: 'string', minLength: 1 },
                propertyName: fieldName,
                active: { type: 'boolean' },
              },
              additionalProperties: false,
              // A property change names its property; the other events do not.
              if: { properties: { subscriptionType: { const: 'object.propertyChange' } } },
              then: { required: ['propertyName'] },
              else: { not: { required: ['propertyName'] } },
            },
          },
          legacyCrmObjects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['subscriptionType', 'active'],
              properties: {
                subscriptionType: { type: 'string', pattern: '^[a-z_]+\\.[a-zA-Z]+$' },
                propertyName: fieldName,
                active: { type: 'boolean' },
              },
              additionalProperties: false,
            },
          },
          hubEvents: {
            type: 'array',
            items: {
              type: 'object',
              required: ['subscriptionType', 'active'],
              properties: { subscriptionType: { type: 'string' }, active: { type: 'boolean' } },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },

  // The app cards reference (developers.hubspot.com, apps/developer-platform/…/app-cards/reference):
  // name, entrypoint, location and objectTypes required; one location.
  CARD: {
    type: 'object',
    required: ['name', 'entrypoint', 'location', 'objectTypes'],
    properties: {
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      previewImage: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', pattern: '\\.(png|jpe?g|gif)$' }, altText: { type: 'string' } },
        additionalProperties: false,
      },
      entrypoint: { type: 'string', pattern: '^/app/cards/[^/]+\\.(jsx|tsx)$' },
      location: { enum: ['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar'] },
      objectTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    },
    additionalProperties: false,
  },

  SETTINGS: {
    type: 'object',
    required: ['entrypoint'],
    properties: { entrypoint: { type: 'string', pattern: '^/app/settings/[^/]+\\.(jsx|tsx)$' } },
    additionalProperties: false,
  },
} as const;
