import { Badge, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheckFilled, IconCircleXFilled, IconInfoCircleFilled, IconKeyboard, IconScan } from '@tabler/icons-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { codeLength, maskCode } from './maskCode';
import type { ScanSourceValue } from './ScanField';

/** accepted, refused, warning (look at this), notice (nothing wrong, nothing to do: a kit scanned twice). */
export type VerdictTone = 'accepted' | 'refused' | 'warning' | 'notice';

const TONES: Record<VerdictTone, { color: string; icon: typeof IconCircleCheckFilled }> = {
  accepted: { color: 'teal', icon: IconCircleCheckFilled },
  refused: { color: 'red', icon: IconCircleXFilled },
  warning: { color: 'orange', icon: IconAlertTriangle },
  notice: { color: 'blue', icon: IconInfoCircleFilled },
};

export interface ScanVerdictProps {
  tone: VerdictTone;
  /** The big words ("RECEIVED", "REFUSED", "DO NOT DISPENSE"): the verdict is said, never shown by colour alone. */
  headline: string;
  /** The kit number scanned, as scanned. */
  code?: string | null;
  /** The code names no kit: shown masked (its last two characters and its length), never in full. */
  unknownCode?: boolean;
  message: string;
  /** How the code came in, shown small (a typed code is marked as such). */
  source?: { value: ScanSourceValue; label: string } | null;
  children?: ReactNode;
  sound?: string | null;
  testId?: string;
}

/** One scan's verdict, readable from across the bench: a big icon, big words, the kit number and the reason. */
export function ScanVerdict({ tone, headline, code, unknownCode = false, message, source, children, sound, testId = 'scan-verdict' }: ScanVerdictProps) {
  const { t } = useTranslation();
  const { color, icon: Icon } = TONES[tone];
  const panel = useRef<HTMLDivElement>(null);
  // Each verdict is a new panel (keyed by the scan): bring it on screen, so it is read without scrolling.
  useEffect(() => {
    panel.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return (
    <Paper
      ref={panel}
      withBorder
      p="lg"
      radius="md"
      role={tone === 'accepted' || tone === 'notice' ? 'status' : 'alert'}
      aria-live="assertive"
      data-testid={testId}
      data-verdict={tone}
      data-sound={sound ?? undefined}
      style={{ borderWidth: 4, borderColor: `var(--mantine-color-${color}-7)`, background: `var(--mantine-color-${color}-0)` }}
    >
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <ThemeIcon size={84} radius="xl" color={`${color}.7`} variant="filled" aria-hidden>
          <Icon size={64} />
        </ThemeIcon>
        <Stack gap={6} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="md" align="baseline" wrap="wrap">
            <Text fz={40} fw={800} lh={1.1} c={`${color}.9`} data-testid={`${testId}-headline`}>
              {headline}
            </Text>
            {code &&
              (unknownCode ? (
                <Text fz={32} fw={700} ff="monospace" data-testid={`${testId}-code`} data-masked="true" aria-label={t('common.maskedCode', { count: codeLength(code) })}>
                  {maskCode(code)}
                  <Text span fz="md" fw={500} ff="text" c="dimmed" ml="sm">
                    {t('common.maskedCode', { count: codeLength(code) })}
                  </Text>
                </Text>
              ) : (
                <Text fz={32} fw={700} ff="monospace" data-testid={`${testId}-code`}>
                  {code}
                </Text>
              ))}
          </Group>
          <Text fz="xl" fw={500} data-testid={`${testId}-message`}>
            {message}
          </Text>
          {children}
          {source && (
            <Group gap="xs">
              <Badge variant="outline" color="gray.7" leftSection={source.value === 'manual' ? <IconKeyboard size="1em" aria-hidden /> : <IconScan size="1em" aria-hidden />} data-testid={`${testId}-source`} data-source={source.value}>
                {source.label}
              </Badge>
            </Group>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
