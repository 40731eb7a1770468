/**
 * The built-in lessons, in workshop order. Each is a scenario whose request steps carry the
 * checks a learner should see pass; tests/scenario/lessons.test.ts replays every one.
 */
import type { Lesson } from './common';
import { childGrants } from './childGrants';
import { createAndList } from './createAndList';
import { crossAccount } from './crossAccount';
import { encryptionContext } from './encryptionContext';
import { grantTokens } from './grantTokens';
import { keyStates } from './keyStates';
import { nameIdempotency } from './nameIdempotency';
import { policyConditions } from './policyConditions';
import { retireRevoke } from './retireRevoke';
import { servicePrincipals } from './servicePrincipals';
import { tokenRace } from './tokenRace';

export type { Lesson } from './common';

export const LESSONS: readonly Lesson[] = Object.freeze([createAndList, grantTokens, retireRevoke, nameIdempotency, encryptionContext, childGrants, keyStates, policyConditions, servicePrincipals, crossAccount, tokenRace]);

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
