import {
  Alert,
  Anchor,
  Button,
  Menu,
  Modal,
  NativeSelect,
  NavLink,
  NumberInput,
  PasswordInput,
  TextInput,
  createTheme,
  defaultVariantColorsResolver,
  mergeThemeOverrides,
  parseThemeColor,
  DEFAULT_THEME,
  type CSSVariablesResolver,
  type MantineColorsTuple,
  type MantineThemeOverride,
  type MantineTheme,
  type VariantColorsResolver,
} from '@mantine/core';

/**
 * WCAG 2.2 AA contrast (issue 17): text at least 4.5:1 against what is behind it. Mantine's defaults miss it in a few
 * places (the dimmed grey is 3.3:1, white on orange 9 is 4.3:1, the light variants' shade 9 on shade 1 of orange,
 * green or yellow, white on red 8); rather than pick other colours at each call site, the theme darkens a colour just
 * enough when, and only when, it would be below the bar. Colours that already pass are left as Mantine draws them.
 */
const MIN_CONTRAST = 4.6; // 4.5:1, with a little room for anti-aliasing and rounding

function channels(hex: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!match) return null;
  const value = parseInt(match[1]!, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function relativeLuminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The WCAG contrast ratio of two #rrggbb colours (null when either is not one). */
export function contrastRatio(a: string, b: string): number | null {
  const ca = channels(a);
  const cb = channels(b);
  if (!ca || !cb) return null;
  const [hi, lo] = [relativeLuminance(ca), relativeLuminance(cb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `colour`, darkened in small steps until it reaches the bar against `against` (unchanged when it already does). */
export function darkenUntilReadable(colour: string, against: string, min = MIN_CONTRAST): string {
  let rgb = channels(colour);
  if (!rgb || (contrastRatio(colour, against) ?? Infinity) >= min) return colour;
  for (let step = 0; step < 40; step++) {
    rgb = rgb.map((c) => Math.round(c * 0.96)) as [number, number, number];
    const hex = `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    if ((contrastRatio(hex, against) ?? Infinity) >= min) return hex;
  }
  return '#000000';
}

const WHITE = '#ffffff';

/** Hex value of a theme colour at a shade ("orange", 9), or the colour itself when it is not a theme colour. */
function shadeOf(theme: MantineTheme, color: string, shade: number): string {
  return theme.colors[color]?.[shade] ?? color;
}

/**
 * Mantine's variant colours, made readable: filled badges and buttons keep white text on a background darkened to
 * 4.5:1; light ones (shade 9 on shade 1) get a darker text where needed; outline, subtle and transparent text is
 * darkened against white. Everything else is Mantine's own.
 */
const readableVariantColors: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  const { theme, variant } = input;
  const parsed = parseThemeColor({ color: input.color, theme });
  const usesWhiteText = colors.color === 'var(--mantine-color-white)';
  if (variant === 'filled' && usesWhiteText) {
    const background = darkenUntilReadable(parsed.value, WHITE);
    if (background !== parsed.value) return { ...colors, background, hover: darkenUntilReadable(background, WHITE, MIN_CONTRAST + 1) };
  }
  if (variant === 'light' && parsed.isThemeColor) {
    // Against the hover shade (2), the darker of the two backgrounds: an active navigation link is often hovered.
    const background = parsed.shade === undefined ? shadeOf(theme, parsed.color, 2) : shadeOf(theme, parsed.color, parsed.shade);
    const text = darkenUntilReadable(shadeOf(theme, parsed.color, 9), background);
    if (text !== shadeOf(theme, parsed.color, 9)) return { ...colors, color: text };
  }
  if (variant === 'outline') {
    const text = darkenUntilReadable(parsed.value, WHITE);
    if (text !== parsed.value) return { ...colors, color: text, border: `1px solid ${text}` };
  }
  if ((variant === 'subtle' || variant === 'transparent') && parsed.isThemeColor) {
    const shown = parsed.shade === undefined ? shadeOf(theme, parsed.color, 9) : shadeOf(theme, parsed.color, Math.min(parsed.shade, 6));
    const text = darkenUntilReadable(shown, WHITE);
    if (text !== shown) return { ...colors, color: text };
  }
  return colors;
};

/** The dimmed grey of secondary text (`c="dimmed"`, descriptions): 6:1 on white instead of Mantine's 3.3:1. Field errors: below. */
export const DIMMED_TEXT = '#5c636a';

/**
 * The theme in the language shown: the close buttons Mantine draws as an icon alone (dialogs, dismissible alerts)
 * are named, so a screen reader says "Close" rather than "button" (WCAG 4.1.2).
 */
export function themeWithCloseLabel(close: string): MantineThemeOverride {
  return mergeThemeOverrides(
    theme,
    createTheme({
      components: {
        Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
        Alert: Alert.extend({ defaultProps: { closeButtonLabel: close } }),
      },
    }),
  );
}

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  // Field errors in red 9 (5.5:1 on white) rather than Mantine's red 6 (3.3:1).
  light: { '--mantine-color-dimmed': DIMMED_TEXT, '--mantine-color-error': 'var(--mantine-color-red-9)' },
  dark: {},
});

/**
 * Readable at arm's length: the root font is 18 px (styles.css), so every rem-based Mantine size grows with it; inputs
 * and buttons default to "md". System fonts only: the CSP allows no external font, and none is bundled.
 */
/**
 * Orange 9 is Veil's colour for "unblinded" and for warnings written as text (`c="orange.9"`): darkened from Mantine's
 * #d9480f (4.1:1 on the striped rows' grey) to 4.5:1 on that grey, so text and filled badges in it are readable.
 */
const ORANGE = DEFAULT_THEME.colors.orange.map((shade, i) => (i === 9 ? darkenUntilReadable(shade, DEFAULT_THEME.colors.gray[0]) : shade)) as unknown as MantineColorsTuple;

export const theme = createTheme({
  primaryColor: 'indigo',
  colors: { orange: ORANGE },
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace',
  headings: { fontWeight: '700' },
  variantColorResolver: readableVariantColors,
  components: {
    // A link is told from the text around it by its underline, not by its colour alone (WCAG 1.4.1).
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    Button: Button.extend({ defaultProps: { size: 'md' } }),
    // With a variant named, the navigation's links take their colours from the resolver above (the active link's
    // text on its hovered background was 4.1:1); without one, Mantine's CSS uses the primary colour's raw variables.
    NavLink: NavLink.extend({ defaultProps: { variant: 'light' } }),
    TextInput: TextInput.extend({ defaultProps: { size: 'md' } }),
    PasswordInput: PasswordInput.extend({ defaultProps: { size: 'md' } }),
    NumberInput: NumberInput.extend({ defaultProps: { size: 'md' } }),
    NativeSelect: NativeSelect.extend({ defaultProps: { size: 'md' } }),
    // No focus placeholder in the menu: it is a child of role="menu" that is not a menu item (axe
    // aria-required-children); the menu's first item takes the focus when it opens instead.
    Menu: Menu.extend({ defaultProps: { withInitialFocusPlaceholder: false }, styles: { item: { fontSize: 'var(--mantine-font-size-md)' } } }),
    Modal: Modal.extend({ styles: { title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-xl)' } } }),
  },
});
