import { Alert, Badge, Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconEye, IconEyeOff, IconFileTypeCsv, IconFileTypePdf } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import type { VeilError } from '../../../shared/errors';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { downloadBase64 } from '../common/download';
import { reportsMessage } from './reportsMessages';
import { StockForecastPanel } from '../stock/StockForecastPanel';
import { ExpiryExtensionPanel } from '../lots/ExpiryExtensionPanel';
import { LotRecallPanel } from '../lots/LotRecallPanel';

type ReportInput = ChannelInput<'reports.render'>;
type ReportName = ReportInput['report'];
type Format = ReportInput['format'];
type Patient = ChannelOutput<'patients.list'>[number];
type Version = 'blinded' | 'unblinded';

const REPORTS: readonly ReportName[] = ['accountability', 'nci_darf', 'inventory', 'expiring', 'patient_history'];

interface Options {
  days: number | string;
  patientId: string | null;
  threshold: number | string;
}

function inputOf(report: ReportName, format: Format, options: Options, version: Version): ReportInput {
  const input: ReportInput = { report, format };
  if (report === 'expiring' && typeof options.days === 'number') input.days = options.days;
  if (report === 'patient_history' && options.patientId) input.patientId = Number(options.patientId);
  if (report === 'inventory' && version === 'unblinded' && typeof options.threshold === 'number') input.threshold = options.threshold;
  return input;
}

function ReportCard({ report, version, options, setOptions, patients, onFile, onError }: {
  report: ReportName;
  version: Version;
  options: Options;
  setOptions: (update: Partial<Options>) => void;
  patients: Patient[] | null;
  onFile: (fileName: string) => void;
  onError: (error: VeilError | null) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<Format | null>(null);
  const prefix = `report-${version}-${report}`;

  async function download(format: Format) {
    setBusy(format);
    onError(null);
    try {
      const input = inputOf(report, format, options, version);
      const file = version === 'unblinded' ? await client.reports.renderUnblinded(input) : await client.reports.render(input);
      downloadBase64(file.fileName, file.mime, file.base64);
      onFile(file.fileName);
    } catch (caught) {
      onError(caught as VeilError);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Paper withBorder p="md" radius="md" data-testid={prefix}>
      <Stack gap="sm" h="100%" justify="space-between">
        <Stack gap={4}>
          <Text fw={700} fz="lg">
            {t(`reports.names.${report}`)}
          </Text>
          <Text size="sm" c="dimmed">
            {version === 'unblinded' ? t(`reports.unblindedPurpose.${report}`) : t(`reports.purpose.${report}`)}
          </Text>
          {report === 'expiring' && (
            <NumberInput
              label={t('reports.options.days')}
              value={options.days}
              onChange={(v) => setOptions({ days: v })}
              min={1}
              max={730}
              allowDecimal={false}
              allowNegative={false}
              maw={220}
              data-testid={`${prefix}-days`}
            />
          )}
          {report === 'patient_history' &&
            (patients ? (
              <Select
                label={t('reports.options.patient')}
                data={[{ value: '', label: t('reports.options.allPatients') }, ...patients.map((p) => ({ value: String(p.id), label: p.screeningNumber }))]}
                value={options.patientId ?? ''}
                onChange={(v) => setOptions({ patientId: v ? v : null })}
                allowDeselect={false}
                maw={260}
                data-testid={`${prefix}-patient`}
              />
            ) : (
              <Text size="sm">{t('reports.options.allPatientsOnly')}</Text>
            ))}
          {report === 'inventory' && version === 'unblinded' && (
            <NumberInput
              label={t('reports.options.threshold')}
              description={t('reports.options.thresholdHint')}
              value={options.threshold}
              onChange={(v) => setOptions({ threshold: v })}
              min={0}
              max={1000}
              allowDecimal={false}
              allowNegative={false}
              maw={260}
              data-testid={`${prefix}-threshold`}
            />
          )}
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconFileTypeCsv size="1.2em" aria-hidden />} loading={busy === 'csv'} disabled={busy !== null} onClick={() => void download('csv')} data-testid={`${prefix}-csv`}>
            {t('reports.downloadCsv')}
          </Button>
          <Button variant="default" leftSection={<IconFileTypePdf size="1.2em" aria-hidden />} loading={busy === 'pdf'} disabled={busy !== null} onClick={() => void download('pdf')} data-testid={`${prefix}-pdf`}>
            {t('reports.downloadPdf')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/**
 * Reports: the accountability log, inventory, kits expiring and patient dispensing history, as CSV or PDF, each with
 * the audit seal, site, study and print time. Blinded versions for everyone with reports.read; the unblinded versions
 * only for reports.unblinded, in their own, clearly labelled section.
 */
export function ReportsPage() {
  const { t } = useTranslation();
  const { permissions } = useActiveSession();
  const canBlinded = permissions.includes('reports.read');
  const canUnblinded = permissions.includes('reports.unblinded');
  const canPatients = permissions.includes('patients.read');
  const canStock = permissions.includes('inventory.read') || canUnblinded;
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [options, setOptionsState] = useState<Options>({ days: 90, patientId: null, threshold: 10 });
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const [error, setError] = useState<VeilError | null>(null);
  const setOptions = (update: Partial<Options>) => setOptionsState((o) => ({ ...o, ...update }));

  useEffect(() => {
    if (!canPatients) return;
    let cancelled = false;
    client.patients.list({}).then(
      (list) => !cancelled && setPatients(list),
      (caught: VeilError) => !cancelled && setError(caught),
    );
    return () => {
      cancelled = true;
    };
  }, [canPatients]);

  const card = (report: ReportName, version: Version) => (
    <ReportCard key={`${version}-${report}`} report={report} version={version} options={options} setOptions={setOptions} patients={patients} onFile={setDownloaded} onError={setError} />
  );

  return (
    <Stack gap="lg" data-testid="reports-page">
      <Title order={1} fz="h2">
        {t('workflows.reports.title')}
      </Title>
      <Text c="dimmed" maw={820}>
        {t('reports.intro')}
      </Text>
      <TranslatedErrorAlert error={error} translate={reportsMessage} testId="reports-error" />
      {downloaded && (
        <Alert color="teal" variant="light" icon={<IconCircleCheck aria-hidden />} withCloseButton onClose={() => setDownloaded(null)} data-testid="reports-downloaded">
          {t('reports.downloaded', { file: downloaded })}
        </Alert>
      )}
      {canStock && <StockForecastPanel />}
      {permissions.includes('allocation.setup') && <LotRecallPanel />}
      {permissions.includes('allocation.setup') && <ExpiryExtensionPanel />}
      {canBlinded && (
        <Stack gap="sm" data-testid="reports-blinded">
          <Group gap="sm">
            <Title order={2} fz="h3">
              {t('reports.blindedTitle')}
            </Title>
            <Badge size="lg" variant="light" color="indigo" leftSection={<IconEyeOff size="1em" aria-hidden />}>
              {t('reports.blindedBadge')}
            </Badge>
          </Group>
          <Text c="dimmed">{t('reports.blindedIntro')}</Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>{REPORTS.map((r) => card(r, 'blinded'))}</SimpleGrid>
        </Stack>
      )}
      {canUnblinded && (
        <Paper p="lg" radius="md" data-testid="reports-unblinded" style={{ border: '4px solid var(--mantine-color-orange-9)', background: 'var(--mantine-color-orange-0)' }}>
          <Stack gap="sm">
            <Group gap="sm">
              <Badge size="xl" color="orange.9" variant="filled" leftSection={<IconEye size="1em" aria-hidden />} data-testid="reports-unblinded-label">
                {t('reports.unblindedBadge')}
              </Badge>
              <Title order={2} fz="h3">
                {t('reports.unblindedTitle')}
              </Title>
            </Group>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <IconAlertTriangle size="1.3em" color="var(--mantine-color-orange-9)" aria-hidden style={{ flexShrink: 0 }} />
              <Text fw={600}>{t('reports.unblindedWarning')}</Text>
            </Group>
            <SimpleGrid cols={{ base: 1, md: 2 }}>{REPORTS.map((r) => card(r, 'unblinded'))}</SimpleGrid>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
