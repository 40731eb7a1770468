/**
 * A small JSON Schema (2020-12) checker for the keywords scenarioJsonSchema uses, so the tests
 * need no extra dependency. It throws on a keyword it does not know, so the schema cannot grow a
 * keyword that these tests silently ignore.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default']);
const KNOWN = new Set([
  'type', 'const', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'minItems', 'maxItems',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'oneOf', '$ref', '$defs', 'maxProperties', 'propertyNames',
]);

function typeOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema)[part];
  if (!node) throw new Error(`dangling $ref ${ref}`);
  return node as Schema;
}

/** The errors of `value` against `schema` (empty when valid). */
export function check(root: Schema, value: unknown, schema: Schema = root, path = '$'): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !KNOWN.has(key)) throw new Error(`json-schema-lite: unknown keyword ${key} at ${path}`);
  }
  if (schema.$ref) errors.push(...check(root, value, resolve(root, schema.$ref as string), path));
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) return [...errors, `${path}: expected ${String(schema.type)}, got ${t}`];
  }
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === 'string') {
    const length = [...value].length; // JSON Schema counts code points
    if (typeof schema.minLength === 'number' && length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => errors.push(...check(root, item, schema.items as Schema, `${path}[${i}]`)));
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!Object.prototype.hasOwnProperty.call(o, key)) errors.push(`${path}: missing ${key}`);
    }
    const keys = Object.keys(o);
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) errors.push(`${path}: more than ${schema.maxProperties} members`);
    if (schema.propertyNames) for (const key of keys) errors.push(...check(root, key, schema.propertyNames as Schema, `${path}[${JSON.stringify(key)}]`));
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const key of Object.keys(o)) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) errors.push(...check(root, o[key], properties[key], `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected member ${key}`);
      else if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) errors.push(...check(root, o[key], schema.additionalProperties as Schema, `${path}.${key}`));
    }
  }
  if (schema.oneOf) {
    const passing = (schema.oneOf as Schema[]).filter((s) => check(root, value, s, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of oneOf, not exactly 1`);
  }
  return errors;
}
