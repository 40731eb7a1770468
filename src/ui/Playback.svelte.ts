/** Playback moved to ./session/playback.svelte.ts; this re-export stays until every importer names the new place. */
export { Playback, SPEEDS, advanceMsOf } from './session/playback.svelte';
