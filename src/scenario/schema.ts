/**
 * The published JSON Schema (draft 2020-12) of the latest scenario format, for editors (Monaco's
 * JSON mode) and for people writing lessons by hand. It is built from the same LIMITS and
 * PATTERNS as validateScenario, and static/scenario.schema.json is a copy of it that a test keeps
 * equal. The schema is stricter about unknown members (additionalProperties: false, to catch
 * typos while editing; the loader drops them instead) and looser about cross-field rules it
 * cannot state: a caller must be the root or a configured principal, host numbers below `hosts`,
 * minMs <= maxMs, unique principals; validateScenario checks those.
 */
import { DEFAULT_SETTINGS, LIMITS, PATTERNS, SCENARIO_VERSION } from './format';

const note = { type: 'string', maxLength: LIMITS.noteLength, description: 'shown beside the step' } as const;
const timeMs = { type: 'integer', minimum: 0, maximum: LIMITS.timeMs } as const;

export const scenarioJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `urn:kms-grant-playground:scenario:v${SCENARIO_VERSION}`,
  title: 'KMS Grant Playground scenario',
  description:
    'A seed, settings and a script of KMS requests that the playground replays exactly. See docs/scenario-format.md.',
  type: 'object',
  required: ['v', 'seed', 'steps'],
  additionalProperties: false,
  properties: {
    v: { const: SCENARIO_VERSION, description: 'format version' },
    title: { type: 'string', maxLength: LIMITS.titleLength },
    seed: { type: 'integer', minimum: 0, maximum: LIMITS.seedMax, description: 'seeds ids, routing and propagation delays' },
    settings: { $ref: '#/$defs/settings' },
    steps: { type: 'array', maxItems: LIMITS.steps, items: { $ref: '#/$defs/step' } },
  },
  $defs: {
    settings: {
      type: 'object',
      additionalProperties: false,
      description: 'every member is optional; the defaults are part of the format',
      properties: {
        region: { type: 'string', maxLength: 32, pattern: PATTERNS.region.source, default: DEFAULT_SETTINGS.region },
        accountId: { type: 'string', pattern: PATTERNS.accountId.source, default: DEFAULT_SETTINGS.accountId },
        startTime: {
          type: 'integer',
          minimum: 0,
          maximum: LIMITS.startTimeMax,
          default: DEFAULT_SETTINGS.startTime,
          description: 'virtual clock start, epoch ms',
        },
        hosts: { type: 'integer', minimum: 1, maximum: LIMITS.hosts, default: DEFAULT_SETTINGS.hosts },
        routing: {
          default: DEFAULT_SETTINGS.routing,
          oneOf: [
            { enum: ['random', 'round-robin'] },
            {
              type: 'object',
              required: ['pinned'],
              additionalProperties: false,
              properties: { pinned: { type: 'integer', minimum: 0, maximum: LIMITS.hosts - 1 } },
            },
          ],
        },
        propagation: {
          type: 'object',
          required: ['minMs', 'maxMs'],
          additionalProperties: false,
          default: { ...DEFAULT_SETTINGS.propagation },
          properties: {
            minMs: { type: 'integer', minimum: 0, maximum: LIMITS.propagationMs },
            maxMs: { type: 'integer', minimum: 0, maximum: LIMITS.propagationMs },
            distribution: { enum: ['uniform', 'realistic'] },
          },
        },
        principals: { type: 'array', maxItems: LIMITS.principals, items: { $ref: '#/$defs/principal' } },
      },
    },
    principal: {
      type: 'object',
      required: ['arn', 'accessKeyId'],
      additionalProperties: false,
      properties: {
        arn: { type: 'string', maxLength: LIMITS.arnLength, pattern: PATTERNS.principalArn.source },
        accessKeyId: { type: 'string', maxLength: 128, pattern: PATTERNS.accessKeyId.source },
        secretAccessKey: {
          type: 'string',
          minLength: 1,
          maxLength: LIMITS.secretLength,
          pattern: PATTERNS.secretAccessKey.source,
          description: 'when given, the simulator verifies SigV4 signatures and replay signs with it',
        },
        policy: {
          description: 'IAM identity policy, as JSON text or as an object',
          oneOf: [{ type: 'string', maxLength: LIMITS.policyLength }, { type: 'object' }],
        },
      },
    },
    step: {
      oneOf: [
        { $ref: '#/$defs/requestStep' },
        { $ref: '#/$defs/advanceStep' },
        { $ref: '#/$defs/settleStep' },
        { $ref: '#/$defs/noteStep' },
      ],
    },
    requestStep: {
      type: 'object',
      required: ['kind', 'target', 'body'],
      additionalProperties: false,
      properties: {
        kind: { const: 'request' },
        at: { ...timeMs, description: 'virtual ms from the start; the clock moves forward to it before sending' },
        caller: {
          type: 'string',
          minLength: 1,
          maxLength: LIMITS.callerLength,
          description: 'principal ARN; default: the account root',
        },
        target: { type: 'string', pattern: PATTERNS.target.source, description: 'operation, e.g. CreateGrant' },
        body: { type: 'object', description: 'the JSON request body' },
        host: { type: 'integer', minimum: 0, maximum: LIMITS.hosts - 1, description: 'pin to one simulated host' },
        note,
      },
    },
    advanceStep: {
      type: 'object',
      required: ['kind', 'ms'],
      additionalProperties: false,
      properties: { kind: { const: 'advance' }, ms: timeMs, note },
    },
    settleStep: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: { kind: { const: 'settle' }, note },
    },
    noteStep: {
      type: 'object',
      required: ['kind', 'text'],
      additionalProperties: false,
      properties: { kind: { const: 'note' }, text: { type: 'string', maxLength: LIMITS.textLength } },
    },
  },
} as const;
