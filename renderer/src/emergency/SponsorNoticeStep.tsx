import { Alert, Button, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCopy, IconMailForward, IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { emergencyMessage } from './emergencyMessages';

type Notice = ChannelOutput<'emergency.sponsorNotice'>;
type Unblinding = ChannelOutput<'emergency.list'>[number];

/**
 * The next step after a code break (issue 11, item 9): notify the sponsor. Shows what to send (patient, randomization
 * number, date, reason, who broke the code, and the sponsor's contact) and records, once, that it was sent, with the
 * notice's reference. Nothing here carries the arm: the notice leaves the screen.
 */
export function SponsorNoticeStep({ unblindingId, onRecorded }: { unblindingId: number; onRecorded?: (record: Unblinding) => void }) {
  const { t, i18n } = useTranslation();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [reference, setReference] = useState('');
  const [copied, setCopied] = useState(false);
  const load = useVeilAction();
  const save = useVeilAction();
  const { run } = load;

  useEffect(() => {
    void run(() => client.emergency.sponsorNotice({ unblindingId })).then((result) => {
      if (result.ok) setNotice(result.value);
    });
  }, [run, unblindingId]);

  if (!notice) return load.error ? <TranslatedErrorAlert error={load.error} translate={emergencyMessage} /> : <Loader />;
  const u = notice.unblinding;
  const lines = [
    t('emergency.sponsor.line.study', { code: notice.study.code, protocol: notice.study.protocolNumber }),
    t('emergency.sponsor.line.patient', { patient: u.screeningNumber, number: u.randomizationNumber }),
    t('emergency.sponsor.line.when', { time: formatDateTime(u.unblindedAt, i18n.language), by: u.by }),
    t('emergency.sponsor.line.reason', { reason: u.reason }),
    u.adverseEvent ? t('emergency.sponsor.line.adverseYes') : t('emergency.sponsor.line.adverseNo'),
    t('emergency.sponsor.line.noArm'),
  ];

  async function record() {
    const trimmed = reference.trim();
    const result = await save.run(() => client.emergency.recordSponsorNotified({ unblindingId, ...(trimmed ? { reference: trimmed } : {}) }));
    if (result.ok) {
      setNotice((n) => (n ? { ...n, unblinding: result.value } : n));
      onRecorded?.(result.value);
    }
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="sponsor-step" data-unblinding={unblindingId} data-notified={String(u.sponsorNotified !== null)}>
      <Stack gap="md">
        <Group gap="sm">
          <IconMailForward size={28} aria-hidden />
          <Title order={2} fz="h3">
            {t('emergency.sponsor.title')}
          </Title>
        </Group>
        <Text>{t('emergency.sponsor.send', { name: notice.sponsor.name, phone: notice.sponsor.phone, address: notice.sponsor.address })}</Text>
        <Paper withBorder p="md" radius="sm" bg="gray.0">
          <Stack gap={2} data-testid="sponsor-notice-text">
            {lines.map((line, i) => (
              <Text key={i}>{line}</Text>
            ))}
          </Stack>
        </Paper>
        <Group>
          <Button
            variant="default"
            leftSection={<IconCopy size="1.1em" aria-hidden />}
            onClick={() => {
              void navigator.clipboard?.writeText(lines.join('\n')).then(() => setCopied(true));
            }}
            data-testid="sponsor-copy"
          >
            {copied ? t('emergency.sponsor.copied') : t('emergency.sponsor.copy')}
          </Button>
        </Group>
        {u.sponsorNotified ? (
          <Alert color="green" icon={<IconCircleCheck aria-hidden />} data-testid="sponsor-notified">
            {u.sponsorNotified.reference
              ? t('emergency.sponsor.doneRef', { time: formatDateTime(u.sponsorNotified.at, i18n.language), by: u.sponsorNotified.by, reference: u.sponsorNotified.reference })
              : t('emergency.sponsor.done', { time: formatDateTime(u.sponsorNotified.at, i18n.language), by: u.sponsorNotified.by })}
          </Alert>
        ) : (
          <Stack gap="sm">
            <TextInput label={t('emergency.sponsor.reference')} description={t('emergency.sponsor.referenceHint')} value={reference} onChange={(e) => setReference(e.currentTarget.value)} data-testid="sponsor-reference" />
            <TranslatedErrorAlert error={save.error} translate={emergencyMessage} testId="sponsor-error" />
            <Group justify="flex-end">
              <Button leftSection={<IconCircleCheck size="1.1em" aria-hidden />} onClick={() => void record()} loading={save.busy} data-testid="sponsor-record">
                {t('emergency.sponsor.record')}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
