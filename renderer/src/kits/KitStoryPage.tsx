import { Badge, Button, Card, Group, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { IconDownload, IconEye, IconPackage } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { describeEventInWords, kitStatusLabel, sourceLabel } from '../audit/describe';
import { formatDate } from '../common/dates';
import { downloadBase64 } from '../common/download';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { SignedBy } from '../common/SignedBy';
import { useVeilAction } from '../common/useVeilAction';
import { formatLocalWithOffset } from '../common/utcTime';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { KitActions } from './KitActions';
import { useRecordsChanged } from '../common/useRecordsChanged';

type BlindedStory = ChannelOutput<'kitStory.view'>;
type UnblindedStory = ChannelOutput<'kitStory.viewUnblinded'>;
type Story = { version: 'blinded'; story: BlindedStory } | { version: 'unblinded'; story: UnblindedStory };

/**
 * A kit's whole story (issue 16, item 4): scan (scan field, keyboard wedge or HID scanner) or type a kit number and
 * read everything that happened to the kit, in time order, with who, why and each signature, then download it as a
 * PDF with the audit seal. Whoever holds reports.unblinded (the unblinded pharmacist, with the key open) reads the
 * unblinded story (arm, real lot, real expiry); everyone else the blinded one, which the host never fills with them.
 */
export function KitStoryPage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const unblinded = permissions.includes('reports.unblinded');
  const [shown, setShown] = useState<{ code: string; story: Story } | null>(null);
  const look = useVeilAction();
  const print = useVeilAction();
  const { run } = look;
  const { clear: clearPrint } = print;

  const onScan = useCallback(
    (code: string, _source: ScanSourceValue) => {
      setShown(null);
      clearPrint();
      void run(async (): Promise<Story> => (unblinded ? { version: 'unblinded', story: await client.kitStory.viewUnblinded({ code }) } : { version: 'blinded', story: await client.kitStory.view({ code }) })).then((result) => {
        if (result.ok) setShown({ code, story: result.value });
      });
    },
    [run, clearPrint, unblinded],
  );

  // After an action on the kit: its story read again in place (the action's confirmation stays on screen).
  const refresh = useCallback(() => {
    const code = shown?.code;
    if (!code) return;
    void (unblinded ? client.kitStory.viewUnblinded({ code }).then((story): Story => ({ version: 'unblinded', story })) : client.kitStory.view({ code }).then((story): Story => ({ version: 'blinded', story }))).then(
      (story) => setShown({ code, story }),
      () => undefined,
    );
  }, [shown?.code, unblinded]);

  // The kit on screen follows what is done to kits here or at another workstation (read again in place).
  useRecordsChanged(['kits'], refresh);

  // The HID POS scanner's reads arrive as events: a scan at this page's field.
  useEffect(() => client.on('devices.scan', (scan) => onScan(scan.code, 'scanner')), [onScan]);

  async function download() {
    if (!shown) return;
    const code = shown.code;
    const result = await print.run(() => (shown.story.version === 'unblinded' ? client.kitStory.printUnblinded({ code }) : client.kitStory.print({ code })));
    if (result.ok) downloadBase64(result.value.fileName, result.value.mime, result.value.base64);
  }

  return (
    <Stack gap="lg" data-testid="kit-story-page">
      <Stack gap={4}>
        <Title order={1} fz="h2">
          {t('workflows.kits.title')}
        </Title>
        <Text c="dimmed" maw={820}>
          {unblinded ? t('kitStory.intro.unblinded') : t('kitStory.intro.blinded')}
        </Text>
      </Stack>
      <Paper withBorder radius="md" p="lg">
        <ScanField label={t('kitStory.scan.label')} description={t('kitStory.scan.description')} placeholder={t('kitStory.scan.placeholder')} onScan={onScan} busy={look.busy} testId="kit-story-scan" />
      </Paper>
      <ErrorAlert error={look.error} testId="kit-story-error" />
      {shown && <StoryView story={shown.story} onDownload={() => void download()} downloading={print.busy} actions={<KitActions kit={shown.story.story.kit} permissions={permissions} onChanged={refresh} />} />}
      <ErrorAlert error={print.error} testId="kit-story-print-error" />
    </Stack>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={600} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Stack>
  );
}

function StoryView({ story, onDownload, downloading, actions }: { story: Story; onDownload: () => void; downloading: boolean; actions: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { kit, events, seal } = story.story;
  const lang = i18n.language;
  return (
    <Card withBorder radius="md" p="lg" data-testid="kit-story" data-kit={kit.kitNumber} data-version={story.version}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <Group gap="sm">
            <IconPackage size="1.6em" aria-hidden />
            <Title order={2} fz="h3" data-testid="kit-story-kit">
              {t('kitStory.kit', { kit: kit.kitNumber })}
            </Title>
            <Badge size="lg" variant="light" data-testid="kit-story-status" data-status={kit.status}>
              {kitStatusLabel(kit.status, t)}
            </Badge>
          </Group>
          <Button leftSection={<IconDownload size="1.1em" aria-hidden />} onClick={onDownload} loading={downloading} data-testid="kit-story-download">
            {story.version === 'unblinded' ? t('kitStory.downloadUnblinded') : t('kitStory.download')}
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
          {kit.kitType && <Fact label={t('kitStory.facts.kitType')} value={kit.kitType} testId="kit-story-kit-type" />}
          <Fact label={t('kitStory.facts.blindedLot')} value={kit.blindedLot} testId="kit-story-blinded-lot" />
          <Fact label={t('kitStory.facts.useBefore')} value={formatDate(kit.useBefore, lang)} testId="kit-story-use-before" />
          <Fact label={t('kitStory.facts.listFile')} value={kit.listFile} testId="kit-story-list-file" />
          <Fact label={t('kitStory.facts.listImportedAt')} value={formatDateTime(kit.listImportedAt, lang)} testId="kit-story-list-imported" />
        </SimpleGrid>
        {actions}
        {story.version === 'unblinded' && (
          <Paper p="md" radius="md" data-testid="kit-story-unblinded" style={{ border: '3px solid var(--mantine-color-orange-9)', background: 'var(--mantine-color-orange-0)' }}>
            <Stack gap="sm">
              <Badge size="lg" color="orange.9" variant="filled" leftSection={<IconEye size="1em" aria-hidden />}>
                {t('kitStory.unblindedBadge')}
              </Badge>
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
                <Fact label={t('kitStory.facts.arm')} value={`${story.story.kit.arm} (${story.story.kit.armCode})`} testId="kit-story-arm" />
                <Fact label={t('kitStory.facts.lot')} value={story.story.kit.lot} testId="kit-story-lot" />
                <Fact label={t('kitStory.facts.expiry')} value={formatDate(story.story.kit.expiry, lang)} testId="kit-story-expiry" />
              </SimpleGrid>
            </Stack>
          </Paper>
        )}
        <Title order={3} fz="h4">
          {t('kitStory.events.title', { count: events.length })}
        </Title>
        {events.length === 0 ? (
          <Text c="dimmed">{t('kitStory.events.none')}</Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} data-testid="kit-story-events">
            {events.map((e) => (
              <Timeline.Item key={e.seq} data-testid="kit-story-event" data-action={e.action} data-seq={e.seq}>
                <Stack gap={2}>
                  <Text size="sm" c="dimmed" data-testid="kit-story-event-when" data-utc={e.atUtc}>
                    {formatLocalWithOffset(e.atUtc, lang)} · {t('kitStory.events.by', { user: e.username })}
                    {e.source ? ` · ${sourceLabel(e.source, t)}` : ''}
                  </Text>
                  <Text data-testid="kit-story-event-sentence">{describeEventInWords(e, t)}</Text>
                  {e.reason && (
                    <Text size="sm" data-testid="kit-story-event-reason">
                      <Text span size="sm" fw={700}>
                        {t('kitStory.events.reason')}
                      </Text>{' '}
                      {e.reason}
                    </Text>
                  )}
                  {e.signature && <SignedBy signature={e.signature} testId="kit-story-event-signature" />}
                </Stack>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
        <Text size="xs" c="dimmed" data-testid="kit-story-seal" style={{ overflowWrap: 'anywhere' }}>
          {t('kitStory.seal', { seq: seal.seq, hash: seal.hash })}
        </Text>
      </Stack>
    </Card>
  );
}
