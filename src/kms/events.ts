/**
 * The simulator's typed event stream: what the timeline, the history and the tests read.
 * Every event carries its virtual time `at` (epoch ms). The same seed and the same requests
 * give the same stream, byte for byte (xstate's inspection events are the model).
 */

/** defined with the rest of the engine contract in api.ts, so no import circle runs through it */
export type { Decision, GrantChange, SimEvent, SimEventType } from './api';
