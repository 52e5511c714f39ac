import { DEFAULT_THEME, mergeMantineTheme, type MantineColor } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { contrastRatio, darkenUntilReadable, DIMMED_TEXT, theme } from '../../../renderer/src/theme';

/**
 * The theme's colours reach WCAG AA (4.5:1) by construction (issue 17, item 1): the variant resolver darkens a
 * colour only when it would be below the bar. The e2e accessibility test checks the screens; this checks the rule.
 */
const full = mergeMantineTheme(DEFAULT_THEME, theme);
const resolve = full.variantColorResolver;
const WHITE = '#ffffff';
const COLOURS = Object.keys(full.colors).filter((c) => c !== 'dark') as MantineColor[];

describe('theme contrast', () => {
  it('measures contrast as WCAG does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#868e96', '#ffffff')).toBeCloseTo(3.32, 2); // Mantine's dimmed grey: below the bar
    expect(darkenUntilReadable('#868e96', WHITE)).not.toBe('#868e96');
    expect(darkenUntilReadable('#364fc7', WHITE)).toBe('#364fc7'); // already readable: left alone
  });

  it('the dimmed grey is readable on white and on the light grey of striped rows', () => {
    expect(contrastRatio(DIMMED_TEXT, WHITE)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(DIMMED_TEXT, full.colors.gray[1])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(COLOURS)('%s: white text on filled, shade 9 text on light (and its hover), outline text on white', (color) => {
    const palette = full.colors[color]!;
    for (const shade of [undefined, 8, 9] as const) {
      const name = shade === undefined ? color : `${color}.${shade}`;
      const filled = resolve({ color: name, theme: full, variant: 'filled' });
      if (filled.color === 'var(--mantine-color-white)' && filled.background.startsWith('#')) expect(contrastRatio(WHITE, filled.background), `${name} filled`).toBeGreaterThanOrEqual(4.5);
      if (filled.color === 'var(--mantine-color-white)' && !filled.background.startsWith('#')) {
        const shown = palette[shade ?? 8];
        expect(contrastRatio(WHITE, shown), `${name} filled (Mantine's own)`).toBeGreaterThanOrEqual(4.5);
      }
    }
    const light = resolve({ color, theme: full, variant: 'light' });
    const lightText = light.color.startsWith('#') ? light.color : palette[9];
    for (const background of [palette[1], palette[2]]) expect(contrastRatio(lightText, background), `${color} light on ${background}`).toBeGreaterThanOrEqual(4.5);
    const outline = resolve({ color, theme: full, variant: 'outline' });
    const outlineText = outline.color.startsWith('#') ? outline.color : palette[8];
    expect(contrastRatio(outlineText, WHITE), `${color} outline`).toBeGreaterThanOrEqual(4.5);
  });
});
