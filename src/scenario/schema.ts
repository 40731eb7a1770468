/**
 * The published JSON Schema (draft 2020-12) of the latest scenario format, for editors (Monaco's
 * JSON mode) and for people writing lessons by hand. It is built from the same LIMITS and
 * PATTERNS as validateScenario, and static/scenario.schema.json is a copy of it that a test keeps
 * equal. The schema is stricter about unknown members (additionalProperties: false, to catch
 * typos while editing; the loader drops them instead) and looser about cross-field rules it
 * cannot state: a caller must be the root or a configured principal, host numbers below `hosts`,
 * minMs <= maxMs, unique principals, unique step ids, references to earlier request steps;
 * validateScenario checks those.
 */
import { DEFAULT_SETTINGS, LIMITS, PATTERNS, SCENARIO_VERSION } from './format';

const note = {
  type: 'string',
  maxLength: LIMITS.noteLength,
  description: 'the narrative shown with the step: plain text, paragraphs separated by a blank line, `backticks` mark code',
} as const;
const id = {
  type: 'string',
  pattern: PATTERNS.stepId.source,
  description: 'names the step, unique in the scenario; later steps refer to its response as {{id.Dotted.Path}}',
} as const;
const stepTitle = { type: 'string', maxLength: LIMITS.stepTitleLength, description: 'a short heading' } as const;
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
    description: { type: 'string', maxLength: LIMITS.descriptionLength, description: 'what the scenario is about, plain text' },
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
        organizations: {
          type: 'object',
          maxProperties: LIMITS.organizations,
          propertyNames: { pattern: PATTERNS.accountId.source },
          additionalProperties: { type: 'string', pattern: PATTERNS.orgId.source },
          description: 'the AWS Organizations organization of each account, by account id: aws:PrincipalOrgID of its principals',
        },
      },
    },
    principal: {
      type: 'object',
      required: ['arn', 'accessKeyId'],
      additionalProperties: false,
      properties: {
        arn: {
          type: 'string',
          maxLength: LIMITS.arnLength,
          pattern: PATTERNS.principalArn.source,
          description: 'IAM/STS principal ARN, or an AWS service principal name (logs.amazonaws.com) for a simulated service caller',
        },
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
        tags: {
          type: 'object',
          maxProperties: LIMITS.principalTags,
          // IAM's characters are Unicode classes, which not every schema reader understands: the loader checks them
          propertyNames: { minLength: 1, maxLength: LIMITS.tagKeyLength },
          additionalProperties: { type: 'string', maxLength: LIMITS.tagValueLength },
          description: 'IAM tags of the principal, tag key -> value: aws:PrincipalTag/<key> in policies; not for a service principal',
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
        id,
        title: stepTitle,
        at: { ...timeMs, description: 'virtual ms from the start; the clock moves forward to it before sending' },
        caller: {
          type: 'string',
          minLength: 1,
          maxLength: LIMITS.callerLength,
          description: 'principal ARN, or a {{id.Path}} reference to one; default: the account root',
        },
        sourceArn: {
          type: 'string',
          minLength: 1,
          maxLength: LIMITS.arnLength,
          pattern: PATTERNS.sourceArn.source,
          description: 'aws:SourceArn (x-playground-source-arn): the resource a service caller acts for; ignored for other callers',
        },
        sourceAccount: { type: 'string', pattern: PATTERNS.accountId.source, description: 'aws:SourceAccount (x-playground-source-account); default: the account in sourceArn' },
        viaService: {
          type: 'string',
          maxLength: 256,
          pattern: PATTERNS.servicePrincipal.source,
          description: 'kms:ViaService (x-playground-via-service), e.g. ec2.us-east-1.amazonaws.com',
        },
        target: { type: 'string', pattern: PATTERNS.target.source, description: 'operation, e.g. CreateGrant' },
        body: {
          type: 'object',
          description: 'the JSON request body; any string in it may hold {{id.Dotted.Path}} references to earlier responses',
        },
        host: { type: 'integer', minimum: 0, maximum: LIMITS.hosts - 1, description: 'pin to one simulated host' },
        expect: { $ref: '#/$defs/expectation' },
        note,
      },
    },
    expectation: {
      type: 'object',
      additionalProperties: false,
      description: 'what the response should be; replay reports each miss and goes on',
      properties: {
        status: { type: 'integer', minimum: 100, maximum: 599, description: 'HTTP status, e.g. 200 or 400' },
        error: {
          type: 'string',
          minLength: 1,
          maxLength: LIMITS.errorLength,
          pattern: PATTERNS.errorType.source,
          description: "the error's __type, e.g. AccessDeniedException",
        },
        match: {
          type: 'object',
          maxProperties: LIMITS.matchEntries,
          propertyNames: { maxLength: LIMITS.pathLength, pattern: PATTERNS.path.source },
          description: 'dotted path into the response body (Grants.0.Name, Grants.length) -> expected JSON value',
        },
      },
    },
    advanceStep: {
      type: 'object',
      required: ['kind', 'ms'],
      additionalProperties: false,
      properties: { kind: { const: 'advance' }, id, title: stepTitle, ms: timeMs, note },
    },
    settleStep: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: { kind: { const: 'settle' }, id, title: stepTitle, note },
    },
    noteStep: {
      type: 'object',
      required: ['kind', 'text'],
      additionalProperties: false,
      properties: { kind: { const: 'note' }, id, title: stepTitle, text: { type: 'string', maxLength: LIMITS.textLength }, note },
    },
  },
} as const;
