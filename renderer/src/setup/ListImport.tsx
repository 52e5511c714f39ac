import { Alert, Badge, Button, Card, FileButton, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconFileImport, IconFileSpreadsheet, IconSignature } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { MAX_LIST_FILE_BYTES } from '../../../shared/contract/limits';
import { VeilError } from '../../../shared/errors';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy } from '../common/SignedBy';
import { client } from '../transport/client';
import { FilePlace, FileProblems } from './FileProblems';
import { blindedValuesOf, RiskFindings } from './RiskFindings';
import { ErrorAlert } from '../common/ErrorAlert';
import { saidText } from '../i18n/serverMessages';
import type { AllocationStatus } from './StudySetupPage';

type ListKind = 'randomization' | 'kits';
type ListCheck = ChannelOutput<'allocation.checkList'>;
type ImportResult = ChannelOutput<'allocation.importList'>;
interface ChosenFile {
  fileName: string;
  contentBase64: string;
}

/** The translation key of each encoding the main process reads (shared/contract/allocation.ts). */
const ENCODING_KEY = {
  'UTF-8': 'utf8',
  'UTF-8 with BOM': 'utf8Bom',
  'UTF-16LE': 'utf16le',
  'UTF-16BE': 'utf16be',
  'Windows-1252': 'windows1252',
} as const satisfies Record<NonNullable<ListCheck['encoding']>, string>;

/**
 * The file's bytes, byte for byte, in base64: the main process finds the encoding (UTF-8, Excel's UTF-16 "Unicode
 * text", Windows-1252) and records the SHA-256 of the file itself, so nothing is decoded or re-encoded here.
 */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

/**
 * Importing the sponsor's randomization or kit list: choose the CSV file, Veil checks it whole (allocation.checkList:
 * every problem by line, or the row count, SHA-256 and blinding risk findings), then the pharmacist signs the import.
 */
export function ListImport({ status, onImported }: { status: AllocationStatus; onImported: () => Promise<void> }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ListKind>('kits');
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [check, setCheck] = useState<ListCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<VeilError | null>(null);
  const [signing, setSigning] = useState(false);
  const [imported, setImported] = useState<ImportResult | null>(null);
  const resetRef = useRef<() => void>(null);

  async function runCheck(nextKind: ListKind, chosen: ChosenFile) {
    setChecking(true);
    setError(null);
    setCheck(null);
    try {
      setCheck(await client.allocation.checkList({ kind: nextKind, fileName: chosen.fileName, contentBase64: chosen.contentBase64 }));
    } catch (caught) {
      setError(caught instanceof VeilError ? caught : new VeilError('internal', String(caught)));
    } finally {
      setChecking(false);
    }
  }

  async function choose(picked: File | null) {
    resetRef.current?.();
    if (!picked) return;
    setImported(null);
    setError(null);
    setCheck(null);
    if (picked.size > MAX_LIST_FILE_BYTES) {
      setFile(null);
      setError(new VeilError('validation', t('setup.import.tooLarge', { file: picked.name, megabytes: MAX_LIST_FILE_BYTES / 1_000_000 })));
      return;
    }
    try {
      const chosen = { fileName: picked.name, contentBase64: await readBase64(picked) };
      setFile(chosen);
      await runCheck(kind, chosen);
    } catch (caught) {
      setFile(null);
      setError(caught instanceof VeilError ? caught : new VeilError('internal', String(caught)));
    }
  }

  function changeKind(next: string) {
    const nextKind = next === 'randomization' ? 'randomization' : 'kits';
    setKind(nextKind);
    setImported(null);
    if (file?.contentBase64) void runCheck(nextKind, file);
  }

  const canImport = check !== null && check.problems.length === 0 && check.rowCount > 0 && file !== null && status.sessionHoldsKey;

  return (
    <Card withBorder radius="md" padding="lg" data-testid="list-import">
      <Stack gap="md">
        <Title order={2} fz="h3">
          {t('setup.import.title')}
        </Title>
        <Text>{t('setup.import.explanation')}</Text>
        <Stack gap={4}>
          <Text fw={700} id="list-kind-label">
            {t('setup.import.kind')}
          </Text>
          <SegmentedControl
            value={kind}
            onChange={changeKind}
            aria-labelledby="list-kind-label"
            data={[
              { value: 'randomization', label: t('setup.kind.randomization') },
              { value: 'kits', label: t('setup.kind.kits') },
            ]}
            style={{ alignSelf: 'flex-start' }}
            data-testid="list-kind"
          />
          <Text size="sm" c="dimmed">
            {kind === 'randomization' ? t('setup.import.columnsRandomization') : t('setup.import.columnsKits')}
          </Text>
        </Stack>
        <Group gap="md">
          <FileButton onChange={(f) => void choose(f)} accept=".csv,text/csv,text/plain" resetRef={resetRef}>
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconFileSpreadsheet size="1.1em" aria-hidden />} data-testid="list-choose">
                {t('setup.import.choose')}
              </Button>
            )}
          </FileButton>
          {file && (
            <Text fw={700} data-testid="list-file-name" style={{ overflowWrap: 'anywhere' }}>
              {file.fileName}
            </Text>
          )}
          {checking && <Loader size="sm" />}
        </Group>
        {!status.sessionHoldsKey && (
          <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />} data-testid="import-needs-key">
            {status.keySetUp ? t('setup.import.needsKey') : t('setup.import.needsKeySetUp')}
          </Alert>
        )}
        <ErrorAlert error={error} testId="list-error" />

        {check && file && check.problems.length > 0 && (
          <FileProblems
            testId="list-problems"
            tableTestId="list-problems-table"
            title={t('setup.import.problemsTitle', { count: check.problems.length, file: file.fileName })}
            body={t('setup.import.problemsBody')}
            minWidth={640}
            problems={check.problems}
            rowProps={(p) => ({ 'data-line': p.line })}
            places={[
              { header: t('setup.import.line'), width: 90, cell: (p) => p.line },
              { header: t('setup.import.column'), width: 200, cell: (p) => <FilePlace>{p.column ?? '—'}</FilePlace> },
            ]}
          />
        )}

        {check && file && check.problems.length === 0 && (
          <Stack gap="md" data-testid="list-valid">
            <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} title={t('setup.import.validTitle', { file: file.fileName })}>
              <Stack gap={4}>
                <Text data-testid="list-row-count">{t(kind === 'kits' ? 'setup.import.validKits' : 'setup.import.validSlots', { count: check.rowCount })}</Text>
                <Text size="sm">
                  SHA-256{' '}
                  <Text span ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }} data-testid="list-sha256">
                    {check.sha256}
                  </Text>
                </Text>
                {check.encoding && (
                  <Text size="sm" data-testid="list-encoding">
                    {t('setup.import.readAs', { encoding: t(`setup.import.encodings.${ENCODING_KEY[check.encoding]}`) })}
                  </Text>
                )}
              </Stack>
            </Alert>
            {check.warnings.length > 0 && (
              <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />} title={t('setup.import.warningsTitle', { count: check.warnings.length })} data-testid="list-warnings">
                <Stack gap={4}>
                  {check.warnings.map((w, i) => (
                    <Text key={i} data-line={w.line}>
                      {t('setup.import.line')} {w.line}: {saidText(w, t) ?? w.message}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            )}
            {check.risk && <RiskFindings risk={check.risk} />}
            <Group>
              <Button leftSection={<IconSignature size="1.1em" aria-hidden />} disabled={!canImport} onClick={() => setSigning(true)} data-testid="list-import-button">
                {t('setup.import.import')}
              </Button>
            </Group>
          </Stack>
        )}

        {imported && (
          <Alert variant="light" color="teal" icon={<IconFileImport aria-hidden />} title={t('setup.import.importedTitle', { file: imported.fileName })} data-testid="list-imported">
            <Stack gap={6}>
              <Text>{t(imported.kind === 'kits' ? 'setup.import.importedKits' : 'setup.import.importedSlots', { count: imported.rowCount })}</Text>
              <Text size="sm">
                SHA-256{' '}
                <Text span ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {imported.sha256}
                </Text>
              </Text>
              {imported.risk && (
                <Group gap="xs">
                  {blindedValuesOf(imported.risk).flatMap(({ kitType, blindedLot, commonUseBefore }) => {
                    const typed = (line: string) => (kitType ? t('setup.risk.ofKitType', { type: kitType, text: line }) : line);
                    return [
                      blindedLot && (
                        <Badge key={`lot-${kitType ?? ''}`} variant="light">
                          {typed(t('setup.import.blindedLotBadge', { lot: blindedLot }))}
                        </Badge>
                      ),
                      commonUseBefore && (
                        <Badge key={`date-${kitType ?? ''}`} variant="light">
                          {typed(t('setup.import.useBeforeBadge', { date: commonUseBefore }))}
                        </Badge>
                      ),
                    ];
                  })}
                </Group>
              )}
              <SignedBy signature={imported.signature} testId="list-imported-signature" />
            </Stack>
          </Alert>
        )}
      </Stack>

      {file && check && (
        <SignatureDialog
          opened={signing}
          channel="allocation.importList"
          title={t('setup.import.signTitle')}
          submitLabel={t('setup.import.sign')}
          onSign={(signature) => client.allocation.importList({ kind, fileName: file.fileName, contentBase64: file.contentBase64, signature })}
          onSigned={(answer) => {
            setSigning(false);
            setImported(answer);
            setFile(null);
            setCheck(null);
            void onImported();
          }}
          onClose={() => setSigning(false)}
        >
          <Stack gap={4} data-testid="signature-summary">
            <Text>
              {t('setup.import.summary', { kind: t(`setup.kind.${kind}`), file: file.fileName, count: check.rowCount })}
            </Text>
            <Text size="sm">
              SHA-256{' '}
              <Text span ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
                {check.sha256}
              </Text>
            </Text>
          </Stack>
        </SignatureDialog>
      )}
    </Card>
  );
}
