import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconShieldLock } from '@tabler/icons-react';

/** The application's name with its mark. */
export function VeilMark({ size = 'lg' }: { size?: 'md' | 'lg' }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <ThemeIcon size={size === 'lg' ? 'xl' : 'lg'} radius="md" variant="filled" aria-hidden>
        <IconShieldLock size="70%" />
      </ThemeIcon>
      <Text fw={800} fz={size === 'lg' ? 'xl' : 'lg'} lh={1}>
        Veil
      </Text>
    </Group>
  );
}
