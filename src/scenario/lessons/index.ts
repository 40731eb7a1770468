/**
 * The built-in lessons, in workshop order. Each is a scenario whose request steps carry the
 * checks a learner should see pass; tests/scenario/lessons.test.ts replays every one.
 *
 * A lesson goes through the same boundary check as a share link (validateScenario, which checks
 * settings with src/scenario/validate.ts), and LESSONS holds the checked copies: a lesson that
 * would be refused as a link fails here, when the module loads, instead of in a learner's tab.
 */
import { validateScenario } from '../format';
import type { Lesson } from './common';
import { childGrants } from './childGrants';
import { conditionKeys } from './conditionKeys';
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

/** the lesson with its scenario as the boundary check copies it; throws for a broken lesson (a bug) */
function checked(lesson: Lesson): Lesson {
  const r = validateScenario(lesson.scenario);
  if (!r.ok) throw new TypeError(`Lesson ${lesson.id} is not a valid scenario: ${r.detail}`);
  return Object.freeze({ ...lesson, scenario: r.scenario });
}

export const LESSONS: readonly Lesson[] = Object.freeze([
  checked(createAndList),
  checked(grantTokens),
  checked(retireRevoke),
  checked(nameIdempotency),
  checked(encryptionContext),
  checked(childGrants),
  checked(keyStates),
  checked(policyConditions),
  checked(conditionKeys),
  checked(servicePrincipals),
  checked(crossAccount),
  checked(tokenRace),
]);

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
