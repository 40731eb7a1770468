/**
 * Presenter and audience windows on one machine (issue 7 §6), over a BroadcastChannel.
 *
 * Following is deterministic by replay, not by state copies: the presenter sends its lesson
 * progress or workspace settings with its simulator's input log (`sim.log`: each request as
 * sent, with caller, pinned host and virtual time, and each clock move), and the audience replays
 * what it has not applied yet into its own simulator of the same settings; the engine gives
 * byte-identical responses, ids, tokens and events for the same seed and inputs.
 *
 * The log travels in parts (./presenter.ts): each message carries the entries from index `from`
 * on, and the presenter's log is `from + entries.length` long. `from` below what the audience
 * holds means the presenter forked its history there (a Reset, a request sent in the past); a
 * `from` past it means the audience missed a part, and it says `hello`, to which the presenter
 * answers with its whole log. A late or reloaded audience says `hello` too. ./follower.ts keeps
 * the audience's side; ./session.ts replays a long log in one batch.
 *
 * Who may speak: the presenter makes a secret key per presentation and opens the audience with it
 * in the URL's fragment (`#key=…`, never sent to a server). The channel's name contains the key,
 * so a page without it cannot even hear the presentation, and every message carries the key and
 * is checked field by field (./schema.ts): anything else on the channel, malformed or forged, is
 * dropped.
 */
import { parseFollowMessage, PROTOCOL, refusal, type FollowMessage, type WireMessage } from './schema';
import { encodeBase64Url } from '../../kms/util/base64Encode';

export type { FollowMessage } from './schema';

export const CHANNEL_PREFIX = 'kms-playground:follow:';

/** a presentation: its public channel id (in the query) and its secret key (in the fragment) */
export interface Presentation {
  id: string;
  key: string;
}

export function isChannelId(x: string | null | undefined): x is string {
  return typeof x === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(x);
}

/** 128 random bits, base64url */
export function isKey(x: string | null | undefined): x is string {
  return typeof x === 'string' && /^[A-Za-z0-9_-]{22,128}$/.test(x);
}

function randomText(bytes: number): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return encodeBase64Url(b);
}

function newChannelId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newPresentation(): Presentation {
  return { id: newChannelId(), key: randomText(16) };
}

/** the fragment that carries a presentation's key */
const KEY_PARAM = 'key';

/** the key in a URL fragment (`#key=…`), if it is one */
export function keyFromHash(hash: string): string | undefined {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get(KEY_PARAM);
  return isKey(key) ? key : undefined;
}

/** `page` with the query parameter `param` naming the channel and the key in its fragment */
export function presentationUrl(page: string, param: 'follow' | 'present', p: Presentation): string {
  const u = new URL(page);
  u.searchParams.set(param, p.id);
  u.hash = `${KEY_PARAM}=${p.key}`;
  return u.toString();
}

export interface FollowChannel {
  post(m: FollowMessage): void;
  close(): void;
}

/**
 * Opens the presentation's channel; `onMessage` hears only messages that carry its key and pass
 * the schema. `onRefused` hears why a message with the key could not be read (another release
 * of the playground, or a shape this one does not know); messages without the key are dropped
 * without a word. Undefined where BroadcastChannel is missing.
 */
export function openFollowChannel(p: Presentation, onMessage: (m: FollowMessage) => void, onRefused?: (why: 'version' | 'shape') => void): FollowChannel | undefined {
  if (typeof BroadcastChannel !== 'function') return undefined;
  const channel = new BroadcastChannel(`${CHANNEL_PREFIX}${p.id}:${p.key}`);
  channel.onmessage = (e: MessageEvent) => {
    const m = parseFollowMessage(e.data, p.key);
    if (m) onMessage(m);
    else {
      const why = refusal(e.data, p.key);
      if (why) onRefused?.(why);
    }
  };
  return {
    post: (m) => channel.postMessage({ ...m, v: PROTOCOL, key: p.key } satisfies WireMessage),
    close: () => channel.close(),
  };
}
