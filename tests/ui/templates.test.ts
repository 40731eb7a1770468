/**
 * The request templates of the tagging operations: each one is a body the simulator accepts as
 * it stands, on the key the learner has, and together they tag, list and untag that key.
 */
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/kms/index';
import { SAMPLE_TAG, templateBody, templateObject, type TemplateContext } from '../../src/ui/templates';
import type { KeyView, WorldView } from '../../src/ui/world';

const ROOT = 'arn:aws:iam::111122223333:root';

function keyView(keyId: string, arn: string): KeyView {
  return { keyId, arn, state: 'Enabled', spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', description: '', enabled: true, aliases: [], grants: [] };
}

function context(keys: KeyView[]): TemplateContext {
  const world: WorldView = { loaded: true, keys, aliases: [] };
  return { world, principals: [], rootArn: ROOT, recent: {} };
}

describe('templates for TagResource, UntagResource and ListResourceTags', () => {
  it('name the current key and a sample tag, in the members the API model requires', () => {
    const ctx = context([keyView('k1', 'arn:aws:kms:us-east-1:111122223333:key/k1')]);
    expect(templateObject('TagResource', ctx)).toEqual({ KeyId: 'k1', Tags: [{ TagKey: 'team', TagValue: 'blue' }] });
    expect(templateObject('UntagResource', ctx)).toEqual({ KeyId: 'k1', TagKeys: ['team'] });
    expect(templateObject('ListResourceTags', ctx)).toEqual({ KeyId: 'k1' });
    expect(SAMPLE_TAG).toEqual({ TagKey: 'team', TagValue: 'blue' });
  });

  it('are sent as they are: the key is tagged, listed with its tag, and untagged', async () => {
    const sim = createSimulator({ seed: 3 });
    const send = async (target: string, body: string) => {
      const res = await sim.fetch(
        new Request('https://kms.us-east-1.amazonaws.com/', { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `TrentService.${target}` }, body }),
      );
      return { status: res.status, json: JSON.parse((await res.text()) || '{}') as Record<string, unknown> };
    };
    const made = await send('CreateKey', templateBody('CreateKey', context([])));
    expect(made.status).toBe(200);
    const meta = made.json.KeyMetadata as { KeyId: string; Arn: string };
    const ctx = context([keyView(meta.KeyId, meta.Arn)]);

    const tagged = await send('TagResource', templateBody('TagResource', ctx));
    expect(tagged.status, JSON.stringify(tagged.json)).toBe(200);
    const listed = await send('ListResourceTags', templateBody('ListResourceTags', ctx));
    expect(listed.status).toBe(200);
    expect(listed.json.Tags).toEqual([{ TagKey: 'team', TagValue: 'blue' }]);
    const untagged = await send('UntagResource', templateBody('UntagResource', ctx));
    expect(untagged.status, JSON.stringify(untagged.json)).toBe(200);
    expect((await send('ListResourceTags', templateBody('ListResourceTags', ctx))).json.Tags).toEqual([]);
  });
});

describe('toBase64', () => {
  it('is standard, padded base64 of the UTF-8 bytes, as btoa gave', async () => {
    const { toBase64, SAMPLE_PLAINTEXT_B64 } = await import('../../src/ui/templates');
    expect(SAMPLE_PLAINTEXT_B64).toBe('SGVsbG8sIGdyYW50cyE=');
    for (const text of ['', 'a', 'ab', 'abc', 'é', '€ and 🙂', '\u0000\u00ff']) {
      const viaBtoa = btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join(''));
      expect(toBase64(text)).toBe(viaBtoa);
    }
  });
});
