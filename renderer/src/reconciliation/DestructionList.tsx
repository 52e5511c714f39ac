import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileCertificate } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { formatDate } from '../common/dates';
import { SignedBy } from '../common/SignedBy';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { downloadBase64 } from '../common/download';
import { client } from '../transport/client';
import { reconciliationMessage } from './reconciliationMessages';
import { WITNESS_MEANING, type Destruction } from './types';

/** The destructions recorded: date, method, place, kits, and both signatures; each certificate as PDF. */
export function DestructionList({ destructions, highlight }: { destructions: Destruction[]; highlight: number | null }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<VeilError | null>(null);
  const [downloaded, setDownloaded] = useState<string | null>(null);

  async function certificate(id: number) {
    setBusy(id);
    setError(null);
    try {
      const file = await client.destruction.certificate({ destructionId: id });
      downloadBase64(file.fileName, 'application/pdf', file.pdfBase64);
      setDownloaded(file.fileName);
    } catch (caught) {
      setError(caught as VeilError);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack gap="md" data-testid="destruction-list">
      <Title order={2} fz="h3">
        {t('reconciliation.destruction.listTitle')}
      </Title>
      <TranslatedErrorAlert error={error} translate={reconciliationMessage} />
      {downloaded && (
        <Text c="teal.9" fw={600} data-testid="certificate-downloaded">
          {t('reconciliation.destruction.downloaded', { file: downloaded })}
        </Text>
      )}
      {destructions.length === 0 && <Text c="dimmed">{t('reconciliation.destruction.noneYet')}</Text>}
      {destructions.map((d) => (
        <Paper
          key={d.id}
          withBorder
          p="md"
          radius="md"
          data-testid={`destruction-${d.id}`}
          style={highlight === d.id ? { borderColor: 'var(--mantine-color-teal-7)', borderWidth: 3 } : undefined}
        >
          <Stack gap="xs">
            <Group justify="space-between" align="flex-start" wrap="wrap">
              <Stack gap={2}>
                <Text fw={700} fz="lg">
                  {t('reconciliation.destruction.heading', { id: d.id, date: formatDate(d.destroyedOn, i18n.language), count: d.kits.length })}
                </Text>
                <Text size="sm">{t('reconciliation.destruction.how', { method: d.method, place: d.place })}</Text>
              </Stack>
              <Button
                variant="default"
                leftSection={<IconFileCertificate size="1.1em" aria-hidden />}
                rightSection={<IconDownload size="1em" aria-hidden />}
                loading={busy === d.id}
                onClick={() => void certificate(d.id)}
                data-testid={`destruction-certificate-${d.id}`}
              >
                {t('reconciliation.destruction.certificate')}
              </Button>
            </Group>
            <Text size="sm" ff="monospace" data-testid={`destruction-kits-${d.id}`}>
              {d.kits.map((k) => k.kitNumber).join(', ')}
            </Text>
            <SignedBy signature={d.signature} testId={`destruction-signed-${d.id}`} />
            <SignedBy
              signature={{ ...d.witnessSignature, meaning: d.witnessSignature.meaning === WITNESS_MEANING ? t('reconciliation.destruction.witnessMeaning') : d.witnessSignature.meaning }}
              testId={`destruction-witnessed-${d.id}`}
            />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
