/**
 * Lesson progress across reloads: one small JSON snapshot per lesson in localStorage (the step,
 * the checks and the simulator's input log, which replays to the same state). Storage may be
 * missing or full: then progress lasts as long as the tab.
 */
import { parseSnapshot, type LessonSnapshot } from './LessonPlayer.svelte';

const PREFIX = 'kms-playground:lesson:';

export function loadProgress(lessonId: string): LessonSnapshot | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + lessonId);
    return raw ? parseSnapshot(JSON.parse(raw), lessonId) : undefined;
  } catch {
    return undefined;
  }
}

export function saveProgress(snap: LessonSnapshot): void {
  try {
    localStorage.setItem(PREFIX + snap.lesson, JSON.stringify(snap));
  } catch {
    /* not saved: storage is unavailable or full */
  }
}

export function clearProgress(lessonId: string): void {
  try {
    localStorage.removeItem(PREFIX + lessonId);
  } catch {
    /* nothing to clear */
  }
}

/** "Step 4 of 9" for the lesson list; undefined when not started */
export function progressSummary(lessonId: string, steps: number): { step: number; done: number; total: number } | undefined {
  const snap = loadProgress(lessonId);
  if (!snap) return undefined;
  return { step: Math.min(snap.step + 1, steps), done: snap.checks.filter(([, c]) => c.ok).length + snap.done.length, total: steps };
}
