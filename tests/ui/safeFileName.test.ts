/**
 * File names made from names a link or a file chose (a workspace's, a scenario's title) can
 * neither climb out of the download folder, hide, look like an option, nor carry markup or
 * control characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/ui/workspaces/download';

describe('safeFileName', () => {
  it('keeps an ordinary name readable', () => {
    expect(safeFileName('Grant tokens, lesson 2', 'x')).toBe('Grant-tokens-lesson-2');
    expect(safeFileName('my.workspace_v2', 'x')).toBe('my.workspace_v2');
  });

  it('turns hostile names into plain ones', () => {
    expect(safeFileName('../../etc/passwd', 'x')).toBe('etc-passwd');
    expect(safeFileName('..', 'fallback')).toBe('fallback');
    expect(safeFileName('.bashrc', 'x')).toBe('bashrc');
    expect(safeFileName('--help', 'x')).toBe('help');
    expect(safeFileName('a\nb\u0000c<script>', 'x')).toBe('a-b-c-script');
    expect(safeFileName('$(touch /tmp/x)`id`', 'x')).toBe('touch-tmp-x-id');
    expect(safeFileName('', 'kms-scenario')).toBe('kms-scenario');
  });

  it('gives at most 60 characters of [A-Za-z0-9_.-], never starting or ending with . or -', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (name) => {
        const out = safeFileName(name, 'fallback');
        expect(out).toMatch(/^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,58}[A-Za-z0-9_])?$/);
      }),
      { numRuns: 500 },
    );
  });
});
