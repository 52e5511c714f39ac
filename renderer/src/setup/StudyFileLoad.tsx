import { Alert, Button, Card, FileButton, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconFileCode, IconSignature } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { MAX_STUDY_FILE_BYTES } from '../../../shared/contract/limits';
import { VeilError } from '../../../shared/errors';
import { ErrorAlert } from '../common/ErrorAlert';
import { SignatureDialog } from '../common/SignatureDialog';
import { useReloadSystemInfo } from '../system/SystemInfoContext';
import { client } from '../transport/client';
import { saidText } from '../i18n/serverMessages';
import { FilePlace, FileProblems } from './FileProblems';
import { readBase64 } from './ListImport';

type StudyFileCheck = ChannelOutput<'study.checkFile'>;

/**
 * A new site's first step with its study (issue 14, item 1): choose the sponsor's configuration file, Veil checks it
 * whole (study.checkFile: the study it describes and its SHA-256, or every problem with where it is), then the
 * unblinded pharmacist signs its loading. Shown while the database holds no study.
 */
export function StudyFileLoad({ onLoaded }: { onLoaded: () => Promise<void> }) {
  const { t } = useTranslation();
  const reloadInfo = useReloadSystemInfo();
  const [file, setFile] = useState<{ fileName: string; contentBase64: string } | null>(null);
  const [check, setCheck] = useState<StudyFileCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<VeilError | null>(null);
  const [signing, setSigning] = useState(false);
  const resetRef = useRef<() => void>(null);

  async function choose(picked: File | null) {
    resetRef.current?.();
    setError(null);
    setCheck(null);
    setFile(null);
    if (!picked) return;
    if (picked.size > MAX_STUDY_FILE_BYTES) {
      setError(new VeilError('validation', t('setup.studyFile.tooLarge', { file: picked.name })));
      return;
    }
    setChecking(true);
    try {
      const chosen = { fileName: picked.name, contentBase64: await readBase64(picked) };
      setFile(chosen);
      setCheck(await client.study.checkFile(chosen));
    } catch (caught) {
      setError(caught instanceof VeilError ? caught : new VeilError('internal', String(caught)));
    } finally {
      setChecking(false);
    }
  }

  const study = check?.study ?? null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="study-file-load">
      <Stack gap="md">
        <Title order={2} fz="h3">
          {t('setup.studyFile.title')}
        </Title>
        <Text>{t('setup.studyFile.explanation')}</Text>
        <Group gap="md">
          <FileButton onChange={(f) => void choose(f)} accept=".json,application/json" resetRef={resetRef}>
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconFileCode size="1.1em" aria-hidden />} data-testid="study-file-choose">
                {t('setup.studyFile.choose')}
              </Button>
            )}
          </FileButton>
          {file && (
            <Text fw={700} style={{ overflowWrap: 'anywhere' }} data-testid="study-file-name">
              {file.fileName}
            </Text>
          )}
          {checking && <Loader size="sm" />}
        </Group>
        <ErrorAlert error={error} testId="study-file-error" />

        {check && check.problems.length > 0 && (
          <FileProblems
            testId="study-file-problems"
            title={t('setup.studyFile.problemsTitle', { count: check.problems.length, file: check.fileName })}
            body={t('setup.studyFile.problemsBody')}
            minWidth={560}
            problems={check.problems}
            places={[{ header: t('setup.studyFile.where'), width: 220, cell: (p) => <FilePlace>{p.path || t('setup.studyFile.wholeFile')}</FilePlace> }]}
          />
        )}

        {check && study && (
          <Stack gap="md" data-testid="study-file-valid">
            <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} title={t('setup.studyFile.validTitle', { file: check.fileName })}>
              <StudySummary check={check} />
            </Alert>
            {check.cannotLoad ? (
              <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />} data-testid="study-file-cannot-load">
                {saidText(check.cannotLoad, t) ?? check.cannotLoad.message}
              </Alert>
            ) : (
              <Group>
                <Button leftSection={<IconSignature size="1.1em" aria-hidden />} onClick={() => setSigning(true)} data-testid="study-file-load-button">
                  {t('setup.studyFile.load', { code: study.code })}
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </Stack>

      {file && check && study && (
        <SignatureDialog
          opened={signing}
          channel="study.load"
          title={t('setup.studyFile.signTitle')}
          submitLabel={t('setup.studyFile.sign')}
          onSign={(signature) => client.study.load({ ...file, signature })}
          onSigned={() => {
            setSigning(false);
            setFile(null);
            setCheck(null);
            void reloadInfo();
            void onLoaded();
          }}
          onClose={() => setSigning(false)}
        >
          <StudySummary check={check} />
        </SignatureDialog>
      )}
    </Card>
  );
}

/** What the file describes, as the pharmacist checks it against the protocol before signing. */
function StudySummary({ check }: { check: StudyFileCheck }) {
  const { t } = useTranslation();
  const study = check.study!;
  return (
    <Stack gap={4} data-testid="study-file-summary">
      <Text fw={700}>
        {study.code}: {study.title}
      </Text>
      <Text size="sm">{t('setup.studyFile.sponsor', { sponsor: study.sponsor, protocol: study.protocolNumber, registry: study.registry })}</Text>
      <Text size="sm">{t('setup.studyFile.design', { arms: study.arms, visits: study.visits, strata: study.strata, languages: study.labelLanguages.join(', ') })}</Text>
      {study.kitTypes.map((type) => (
        <Text size="sm" key={type.code} data-testid={`study-file-kit-type-${type.code}`}>
          {t('setup.studyFile.kitType', { type: type.name, contents: type.contents.join(' / ') })}
        </Text>
      ))}
      <Text size="sm">
        SHA-256{' '}
        <Text span ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }} data-testid="study-file-sha256">
          {check.sha256}
        </Text>
      </Text>
    </Stack>
  );
}
