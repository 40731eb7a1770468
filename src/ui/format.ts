/** Time and text formatting shared by the panes. Virtual times are shown relative to the scenario start. */

/** 2345 → "0:02.345"; 125300 → "2:05.300"; 3725300 → "1:02:05.300". Negative values get a leading "−". */
export function formatRelative(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  let rest = Math.abs(Math.round(ms));
  const millis = rest % 1000;
  rest = Math.floor(rest / 1000);
  const s = rest % 60;
  rest = Math.floor(rest / 60);
  const m = rest % 60;
  const h = Math.floor(rest / 60);
  const mmm = String(millis).padStart(3, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0
    ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}.${mmm}`
    : `${sign}${m}:${ss}.${mmm}`;
}

/** A duration in words a learner reads aloud: "850 ms", "3.4 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${Math.round(ms)} ms`;
  if (a < 60_000) return `${(ms / 1000).toFixed(a < 10_000 ? 1 : 0)} s`;
  const min = Math.floor(a / 60_000);
  const s = Math.round((a % 60_000) / 1000);
  return `${ms < 0 ? '−' : ''}${min} min${s ? ` ${s} s` : ''}`;
}

/** Epoch ms → "2026-01-01 12:00:03.200 UTC". */
export function formatUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
