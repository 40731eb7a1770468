/**
 * The live region speaks in batches: lines said together come out as one sentence, more than
 * three as a count and the latest, at most every 1.2 s; where a travel arrived replaces what
 * was waiting; a line added to the next batch waits for one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Announcer } from '../../src/ui/session/announcer.svelte';

describe('Announcer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 10_000 }));
  afterEach(() => vi.useRealTimers());

  it('says a batch at once, then waits before the next', () => {
    const a = new Announcer();
    a.say(['Key created', 'Grant made']);
    expect(a.text).toBe('');
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('Key created. Grant made.');
    a.say(['one', 'two', 'three', 'four']);
    vi.advanceTimersByTime(1000);
    expect(a.text).toBe('Key created. Grant made.');
    vi.advanceTimersByTime(200);
    expect(a.text).toBe('4 new events; latest: four.');
    a.dispose();
  });

  it('a travel replaces what was waiting; a line for the next batch waits for one', () => {
    const a = new Announcer();
    a.addToNext('2 later requests replaced');
    vi.advanceTimersByTime(5000);
    expect(a.text).toBe('');
    a.say(['Request sent']);
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('2 later requests replaced. Request sent.');
    vi.advanceTimersByTime(5000);
    a.say(['Arrival']);
    a.sayInstead('Went back to 0:01');
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('Went back to 0:01.');
    a.dispose();
  });
});

describe('Announcer with a workspace of events at once', () => {
  beforeEach(() => vi.useFakeTimers({ now: 10_000 }));
  afterEach(() => vi.useRealTimers());

  it('says 300,000 lines as a count and the latest (one argument per line would overflow the stack)', () => {
    const a = new Announcer();
    const lines = Array.from({ length: 300_000 }, (_, i) => `event ${i + 1}`);
    a.say(lines);
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('300000 new events; latest: event 300000.');
    a.dispose();
  });

  it('counts the lines a caller only counts, with what was already waiting', () => {
    const a = new Announcer();
    a.addToNext('Went back to 0:01');
    a.say(['event 249,999', 'event 250,000'], 249_998);
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('250001 new events; latest: event 250,000.');
    // three or fewer are said in full, in order
    vi.advanceTimersByTime(5000);
    a.addToNext('one');
    a.say(['two', 'three']);
    vi.advanceTimersByTime(0);
    expect(a.text).toBe('one. two. three.');
    a.dispose();
  });
});
