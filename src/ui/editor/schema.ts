/**
 * The request editor's per-operation JSON Schema: the API model's schema (types, limits, enums,
 * patterns) plus our hover text and completions built from the current world (key ids, grant ids,
 * grant tokens, principals). Loaded only with Monaco.
 */
import { jsonSchemaForInput, memberConstraintsText, type JsonSchema } from '../../kms/model/jsonSchema';
import type { OperationName } from '../../kms/model/shapes.generated';
import { apiReferenceUrl } from '../operations';
import { operationsWhere } from '../../kms/operations';
import { describeMember } from './memberDocs';

export interface Suggestion {
  /** the value inserted */
  value: string;
  /** what the completion list shows */
  label: string;
  /** extra line in the completion details */
  detail?: string;
}

/** values offered as completions, by member name */
export interface CompletionValues {
  keys: Suggestion[];
  /** keys in every form KMS accepts for crypto operations: ids, ARNs, alias names */
  keysAndAliases: Suggestion[];
  principals: Suggestion[];
  grantIds: Suggestion[];
  grantTokens: Suggestion[];
  aliases: Suggestion[];
  ciphertexts: Suggestion[];
}

export const NO_COMPLETIONS: CompletionValues = {
  keys: [],
  keysAndAliases: [],
  principals: [],
  grantIds: [],
  grantTokens: [],
  aliases: [],
  ciphertexts: [],
};

/** operations whose key members take an alias name or alias ARN (the engine's operation descriptors say which) */
const ALIAS_OK: ReadonlySet<string> = operationsWhere((d) => d.aliases);

function suggestionsFor(operation: string, path: readonly string[], v: CompletionValues): Suggestion[] {
  const name = path[path.length - 1] === '[]' ? path[path.length - 2] : path[path.length - 1];
  switch (name) {
    case 'KeyId':
    case 'DestinationKeyId':
    case 'SourceKeyId':
      return path.length === 1 && ALIAS_OK.has(operation) ? v.keysAndAliases : v.keys;
    case 'TargetKeyId':
      return v.keys;
    case 'GranteePrincipal':
    case 'RetiringPrincipal':
      return v.principals;
    case 'GrantId':
      return v.grantIds;
    case 'GrantToken':
    case 'GrantTokens':
      return path[path.length - 1] === 'GrantTokens' ? [] : v.grantTokens;
    case 'AliasName':
      return operation === 'CreateAlias' ? [] : v.aliases;
    case 'CiphertextBlob':
      return v.ciphertexts;
    default:
      return [];
  }
}

function markdownFor(operation: string, path: readonly string[]): string | undefined {
  const name = path.filter((p) => p !== '[]' && p !== '{}').join('.');
  const ours = describeMember(operation, path);
  const limits = memberConstraintsText(operation as OperationName, path);
  if (!ours && !limits) return undefined;
  const parts = [`**${name}**${ours ? ` — ${ours}` : ''}`];
  if (limits) parts.push(limits);
  parts.push(`[${operation} in the AWS KMS API Reference](${apiReferenceUrl(operation)})`);
  return parts.join('\n\n');
}

function decorate(operation: string, node: JsonSchema, path: string[], values: CompletionValues): void {
  const props = node.properties as Record<string, JsonSchema> | undefined;
  if (props) {
    for (const [member, child] of Object.entries(props)) {
      const p = [...path, member];
      const md = markdownFor(operation, p);
      if (md) child.markdownDescription = md;
      addSnippets(operation, child, p, values);
      decorate(operation, child, p, values);
    }
  }
  const items = node.items as JsonSchema | undefined;
  if (items && typeof items === 'object' && !Array.isArray(items)) {
    const p = [...path, '[]'];
    addSnippets(operation, items, p, values);
    decorate(operation, items, p, values);
  }
  const extra = node.additionalProperties;
  if (extra && typeof extra === 'object') decorate(operation, extra as JsonSchema, [...path, '{}'], values);
}

function addSnippets(operation: string, node: JsonSchema, path: readonly string[], values: CompletionValues): void {
  if (node.type !== 'string') return;
  const list = suggestionsFor(operation, path, values);
  if (!list.length) return;
  node.defaultSnippets = list.map((s) => ({ label: s.label, description: s.detail, body: s.value }));
}

/** the editor's schema for `operation`, decorated with hovers and the current completions */
export function editorSchema(operation: string, values: CompletionValues): JsonSchema {
  // a fresh copy: the cached model schema is shared and read-only
  const schema = structuredClone(jsonSchemaForInput(operation as OperationName)) as JsonSchema;
  schema.markdownDescription = `**${operation}** request body. [API reference](${apiReferenceUrl(operation)})`;
  decorate(operation, schema, [], values);
  return schema;
}
