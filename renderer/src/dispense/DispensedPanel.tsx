import { Button, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconArrowRight, IconCircleCheckFilled, IconClockExclamation, IconTag, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { SignedBy } from '../common/SignedBy';
import type { Dispensed, VisitPlan } from './types';

/**
 * After the signature: what was dispensed (kit numbers, patient, visit, signature), and the place where the blinded
 * labels of these kits will appear. Labels come with another change; until then this says so plainly and shows no
 * stand-in label.
 */
export function DispensedPanel({ plan, dispensed, outOfWindowReason, onNextVisit, onOtherPatient }: { plan: VisitPlan; dispensed: Dispensed; outOfWindowReason: string | null; onNextVisit: () => void; onOtherPatient: () => void }) {
  const { t, i18n } = useTranslation();
  const visit = dispensed.patient.visits.find((v) => v.code === plan.visit.code);
  const kits = visit?.dispensedKits ?? [];
  const next = dispensed.patient.visits.find((v) => v.dispensedAt === null);
  return (
    <Stack gap="lg" data-testid="dispensed" data-visit={plan.visit.code} data-screening={plan.screeningNumber}>
      <Paper withBorder p="lg" radius="md" style={{ borderWidth: 4, borderColor: 'var(--mantine-color-teal-7)', background: 'var(--mantine-color-teal-0)' }}>
        <Group align="flex-start" wrap="nowrap" gap="lg">
          <ThemeIcon size={84} radius="xl" color="teal.7" aria-hidden>
            <IconCircleCheckFilled size={64} />
          </ThemeIcon>
          <Stack gap={8} style={{ flex: 1 }}>
            <Text fz={40} fw={800} lh={1.1} c="teal.9">
              {t('dispense.done.headline')}
            </Text>
            <Text fz="xl" fw={600}>
              {t('dispense.done.what', { visit: plan.visit.name, screening: plan.screeningNumber, number: plan.randomizationNumber })}
            </Text>
            <Group gap="lg" data-testid="dispensed-kits">
              {kits.map((k) => (
                <Text key={k} ff="monospace" fz={32} fw={800} data-testid={`dispensed-kit-${k}`}>
                  {k}
                </Text>
              ))}
            </Group>
            {visit?.dispensedAt && <Text>{t('dispense.done.at', { time: formatDateTime(visit.dispensedAt, i18n.language) })}</Text>}
            {outOfWindowReason && (
              <Group gap={6} wrap="nowrap" align="flex-start">
                <IconClockExclamation size="1.2em" aria-hidden style={{ flexShrink: 0 }} />
                <Text data-testid="dispensed-outside-reason">{t('dispense.done.outsideReason', { reason: outOfWindowReason })}</Text>
              </Group>
            )}
            <SignedBy signature={dispensed.signature} size="md" testId="dispensed-signed-by" />
          </Stack>
        </Group>
      </Paper>

      <Paper withBorder p="lg" radius="md" style={{ borderStyle: 'dashed', borderWidth: 2 }} data-testid="labels-placeholder">
        <Group gap="md" wrap="nowrap" align="flex-start">
          <IconTag size="2em" aria-hidden />
          <Stack gap={4}>
            <Title order={3} fz="h4">
              {t('dispense.labels.title', { count: kits.length })}
            </Title>
            <Text>{t('dispense.labels.notYet')}</Text>
            <Text size="sm" c="dimmed">
              {t('dispense.labels.noFake')}
            </Text>
          </Stack>
        </Group>
      </Paper>

      <Group gap="md">
        {next && (
          <Button size="lg" rightSection={<IconArrowRight size="1.1em" aria-hidden />} onClick={onNextVisit} data-testid="dispense-next-visit">
            {t('dispense.done.nextVisit', { visit: next.name })}
          </Button>
        )}
        <Button size="lg" variant="default" leftSection={<IconUsers size="1.1em" aria-hidden />} onClick={onOtherPatient} data-testid="dispense-other-patient">
          {t('dispense.done.otherPatient')}
        </Button>
      </Group>
    </Stack>
  );
}
