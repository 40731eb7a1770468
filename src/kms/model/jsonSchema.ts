/**
 * JSON Schema (draft-07) of each operation's request body, for the request editor (Monaco's JSON
 * language service), plus short constraint sentences for hovers.
 *
 * The schemas carry types, required members, lengths, ranges, enums and patterns (translated to
 * JS syntax, anchored so they match the whole value as the service's Java `matches()` does).
 * Structures get `additionalProperties: false` so the editor flags misspelt members, even
 * though KMS itself ignores unknown members. Blobs are base64 strings: the byte limits of the
 * model become the matching base64 lengths, and `contentEncoding: 'base64'` marks them.
 * `description` is left to the UI: pass `describe` to fill it while the schema is built.
 */
import { OPERATIONS, SHAPES, type OperationName, type ShapeDef } from './shapes.generated';
import { javaPatternToJs } from './javaRegex';
import { base64EncodedLength, STRICT_BASE64_PATTERN } from '../util/base64';

export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaOptions {
  /**
   * Called for every member of every structure; a returned string becomes that member's
   * `description`. `memberPath` uses model member names, `[]` standing for a list item and
   * `{}` for a map value (e.g. ['Tags', '[]', 'TagKey']).
   */
  describe?: (memberPath: readonly string[], shapeName: string, structureName: string) => string | undefined;
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

function shape(name: string): ShapeDef {
  const s = SHAPES[name];
  if (!s) throw new Error(`jsonSchema: unknown shape ${name}`);
  return s;
}

function schemaFor(name: string, at: string[], options: SchemaOptions, seen: readonly string[]): JsonSchema {
  const s = shape(name);
  switch (s.type) {
    case 'string': {
      const out: JsonSchema = { type: 'string' };
      if (s.enum) out.enum = [...s.enum];
      if (s.min !== undefined && s.min > 0) out.minLength = s.min;
      if (s.max !== undefined) out.maxLength = s.max;
      if (s.pattern !== undefined) out.pattern = javaPatternToJs(s.pattern).source;
      return out;
    }
    case 'integer':
    case 'long': {
      const out: JsonSchema = { type: 'integer' };
      if (s.min !== undefined) out.minimum = s.min;
      if (s.max !== undefined) out.maximum = s.max;
      return out;
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'timestamp':
      return { type: 'number' };
    case 'blob': {
      const out: JsonSchema = { type: 'string', contentEncoding: 'base64', pattern: STRICT_BASE64_PATTERN };
      if (s.min !== undefined && s.min > 0) out.minLength = base64EncodedLength(s.min);
      if (s.max !== undefined) out.maxLength = base64EncodedLength(s.max);
      return out;
    }
    case 'list': {
      const out: JsonSchema = { type: 'array', items: schemaFor(s.member, [...at, '[]'], options, seen) };
      if (s.min !== undefined && s.min > 0) out.minItems = s.min;
      if (s.max !== undefined) out.maxItems = s.max;
      return out;
    }
    case 'map': {
      const out: JsonSchema = {
        type: 'object',
        additionalProperties: schemaFor(s.value, [...at, '{}'], options, seen),
      };
      const keySchema = schemaFor(s.key, at, options, seen);
      delete keySchema.type;
      if (Object.keys(keySchema).length > 0) out.propertyNames = keySchema;
      if (s.min !== undefined && s.min > 0) out.minProperties = s.min;
      if (s.max !== undefined) out.maxProperties = s.max;
      return out;
    }
    case 'structure': {
      if (seen.includes(name)) return { type: 'object' }; // recursion guard (none in the KMS model)
      const properties: Record<string, JsonSchema> = {};
      for (const [member, target] of Object.entries(s.members)) {
        const memberPath = [...at, member];
        const child = schemaFor(target, memberPath, options, [...seen, name]);
        const description = options.describe?.(memberPath, target, name);
        properties[member] = description === undefined ? child : { description, ...child };
      }
      const out: JsonSchema = { type: 'object', properties, additionalProperties: false };
      if (s.required.length > 0) out.required = [...s.required];
      return out;
    }
  }
}

const cache = new Map<OperationName, JsonSchema>();

/**
 * Draft-07 JSON Schema of the operation's request body. Without `options` the result is cached
 * and shared: treat it as read-only.
 */
export function jsonSchemaForInput(op: OperationName, options?: SchemaOptions): JsonSchema {
  if (!options) {
    const hit = cache.get(op);
    if (hit) return hit;
  }
  const def = OPERATIONS[op];
  if (!def) throw new Error(`jsonSchemaForInput: unknown operation ${String(op)}`);
  const body: JsonSchema =
    def.input === null
      ? { type: 'object', properties: {}, additionalProperties: false }
      : schemaFor(def.input, [], options ?? {}, []);
  const schema: JsonSchema = { $schema: DRAFT_07, title: `${op} request`, ...body };
  if (!options) cache.set(op, schema);
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Constraint sentences

const num = (n: number) => String(n);

function range(min: number | undefined, max: number | undefined, unit: string, units: string): string {
  const lo = min ?? 0;
  const u = (n: number) => (n === 1 ? unit : units);
  if (max === undefined) return lo > 0 ? `at least ${num(lo)} ${u(lo)}` : '';
  if (lo === max) return `exactly ${num(max)} ${u(max)}`;
  if (lo <= 0) return `up to ${num(max)} ${u(max)}`;
  return `${num(lo)}–${num(max)} ${units}`;
}

const capitalize = (s: string) => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1));

function describeValue(name: string): string {
  const s = shape(name);
  switch (s.type) {
    case 'string': {
      if (s.enum) return `one of ${s.enum.join(', ')}`;
      const parts: string[] = [];
      const len = range(s.min, s.max, 'character', 'characters');
      parts.push(len === '' ? 'a string' : len);
      if (s.pattern !== undefined) parts.push(`matching ${s.pattern}`);
      return parts.join(', ');
    }
    case 'integer':
    case 'long':
      if (s.min !== undefined && s.max !== undefined) return `a whole number from ${num(s.min)} to ${num(s.max)}`;
      if (s.min !== undefined) return `a whole number, at least ${num(s.min)}`;
      if (s.max !== undefined) return `a whole number, at most ${num(s.max)}`;
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'timestamp':
      return 'a date as seconds since 1970-01-01 UTC (a JSON number)';
    case 'blob': {
      const len = range(s.min, s.max, 'byte', 'bytes');
      return len === '' ? 'base64-encoded bytes' : `base64-encoded, ${len} once decoded`;
    }
    case 'list': {
      const count = range(s.min, s.max, 'item', 'items');
      return `a list${count === '' ? '' : ` of ${count}`}; each item: ${describeValue(s.member)}`;
    }
    case 'map': {
      const count = range(s.min, s.max, 'entry', 'entries');
      return `an object${count === '' ? '' : ` of ${count}`} mapping keys to ${describeValue(s.value).replace(/^a string$/, 'strings')}`;
    }
    case 'structure':
      return `an object with ${Object.keys(s.members).join(', ')}`;
  }
}

/**
 * A short sentence of the constraints on one member of the operation's request, e.g.
 * "Required. 1–2048 characters." `memberPath` is dot-separated model member names (or an
 * array of them); list items are addressed by an index, `[]` or `member`, map values by any
 * key (e.g. 'Tags.0.TagKey', 'EncryptionContext.purpose'). Undefined when the path does not
 * name a member.
 */
export function memberConstraintsText(op: OperationName, memberPath: string | readonly (string | number)[]): string | undefined {
  const def = OPERATIONS[op];
  if (!def || def.input === null) return undefined;
  const segments = typeof memberPath === 'string' ? memberPath.split('.').filter((p) => p !== '') : memberPath.map(String);
  if (segments.length === 0) return undefined;
  let current = def.input;
  let required: boolean | undefined;
  for (const seg of segments) {
    const s = shape(current);
    if (s.type === 'structure') {
      const target = s.members[seg];
      if (target === undefined) return undefined;
      required = s.required.includes(seg);
      current = target;
    } else if (s.type === 'list') {
      if (!(seg === '[]' || seg === 'member' || /^\d+$/.test(seg))) return undefined;
      required = undefined;
      current = s.member;
    } else if (s.type === 'map') {
      required = undefined;
      current = s.value;
    } else {
      return undefined;
    }
  }
  const s = shape(current);
  const sentences: string[] = [];
  if (required !== undefined) sentences.push(required ? 'Required.' : 'Optional.');
  sentences.push(`${capitalize(describeValue(current))}.`);
  if ('sensitive' in s && s.sensitive) sentences.push('Sensitive: error messages never repeat it.');
  return sentences.join(' ');
}
