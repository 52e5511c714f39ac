import { Button, Menu, Modal, NativeSelect, NumberInput, PasswordInput, TextInput, createTheme } from '@mantine/core';

/**
 * Readable at arm's length: the root font is 18 px (styles.css), so every rem-based Mantine size grows with it; inputs
 * and buttons default to "md". System fonts only: the CSP allows no external font, and none is bundled.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace',
  headings: { fontWeight: '700' },
  components: {
    Button: Button.extend({ defaultProps: { size: 'md' } }),
    TextInput: TextInput.extend({ defaultProps: { size: 'md' } }),
    PasswordInput: PasswordInput.extend({ defaultProps: { size: 'md' } }),
    NumberInput: NumberInput.extend({ defaultProps: { size: 'md' } }),
    NativeSelect: NativeSelect.extend({ defaultProps: { size: 'md' } }),
    Menu: Menu.extend({ styles: { item: { fontSize: 'var(--mantine-font-size-md)' } } }),
    Modal: Modal.extend({ styles: { title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-xl)' } } }),
  },
});
