import { Button, Group, Stack, Text } from '@mantine/core';
import { IconChartLine, IconFileTypePdf } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadBase64 } from '../common/download';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

/**
 * The excursion case's report for the sponsor (a PDF with the audit seal) and its chart alone (a PNG), each downloaded
 * as the core wrote it; every print is in the audit trail.
 */
export function ExcursionReportButtons({ excursionId }: { excursionId: number }) {
  const { t } = useTranslation();
  const { run, busy, error } = useVeilAction();
  const [printing, setPrinting] = useState<'pdf' | 'png' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function print(format: 'pdf' | 'png') {
    setPrinting(format);
    setSaved(null);
    const done = await run(() => client.coldChain.excursionReport({ excursionId, format }));
    setPrinting(null);
    if (!done.ok) return;
    downloadBase64(done.value.fileName, done.value.mime, done.value.base64);
    setSaved(done.value.fileName);
  }

  return (
    <Stack gap={6}>
      <Group gap="xs">
        <Button variant="light" leftSection={<IconFileTypePdf size="1.1em" aria-hidden />} loading={busy && printing === 'pdf'} disabled={busy} onClick={() => void print('pdf')} data-testid="excursion-report-pdf">
          {t('storage.case.printReport')}
        </Button>
        <Button variant="default" leftSection={<IconChartLine size="1.1em" aria-hidden />} loading={busy && printing === 'png'} disabled={busy} onClick={() => void print('png')} data-testid="excursion-report-png">
          {t('storage.case.chartPng')}
        </Button>
      </Group>
      {saved && (
        <Text size="sm" c="dimmed" data-testid="excursion-report-saved">
          {t('storage.case.reportSaved', { file: saved })}
        </Text>
      )}
      <TranslatedErrorAlert error={error} translate={translateServerMessage} testId="excursion-report-error" />
    </Stack>
  );
}
