import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayNameProblem, isDisplayName, isPlainText } from './plainText.ts';

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

describe('display names', () => {
  test('every bidi control and zero-width character is refused, naming the field', () => {
    for (const ch of [...BIDI, ...ZERO_WIDTH]) {
      const name = `ad${ch}min`;
      assert.equal(isDisplayName(name), false, `U+${ch.codePointAt(0)!.toString(16)}`);
      assert.match(displayNameProblem(name) ?? '', /^displayName must not contain bidi controls or zero-width characters/);
      // Only display names: other free text stays plain text as before.
      assert.equal(isPlainText(name), true);
    }
  });

  test('control characters are refused as before, with their own message', () => {
    for (const name of ['ada\u0000', 'x\u001b[31m', 'c1\u0085']) {
      assert.equal(isDisplayName(name), false);
      assert.match(displayNameProblem(name, 'name') ?? '', /^name must not contain control characters/);
    }
  });

  test('letters of any script, accents, single emoji and spaces are names (emoji joined by U+200D are not)', () => {
    for (const name of ['Zoë 🎲', 'مرحبا', 'שלום', '山田', 'ab cd']) {
      assert.equal(isDisplayName(name), true, name);
      assert.equal(displayNameProblem(name), undefined);
    }
  });
});
