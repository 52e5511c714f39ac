import { Badge, type BadgeProps } from '@mantine/core';

const KIT_NUMBER_STYLES = { label: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: '1.05rem' } };

/** A kit number large in a monospaced badge, as the dispense and receive screens list the kits a step concerns. */
export function KitNumberBadge({ kitNumber, variant, color, testId }: { kitNumber: string; variant: BadgeProps['variant']; color?: BadgeProps['color']; testId?: string }) {
  return (
    <Badge size="xl" variant={variant} color={color} radius="sm" styles={KIT_NUMBER_STYLES} data-testid={testId}>
      {kitNumber}
    </Badge>
  );
}
