import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconKey, IconKeyOff, IconLock, IconLockOpen, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { formatDateTime } from '../common/format';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy } from '../common/SignedBy';
import { useSystemInfo } from '../system/SystemInfoContext';
import { client } from '../transport/client';
import { CodeBreakSheet, type CodeBreakShown } from './CodeBreakSheet';
import { ListImport } from './ListImport';
import { StudyFileLoad } from './StudyFileLoad';
import { ErrorAlert } from '../common/ErrorAlert';
import type { AllocationStatus } from './StudySetupPage';

/** The allocation key, the imported lists with their signatures, and the import of a new list. */
export function SetupPanel({
  status,
  loadError,
  loading,
  onChanged,
  codeBreak,
  onCodeBreak,
}: {
  status: AllocationStatus | null;
  loadError: VeilError | null;
  loading: boolean;
  onChanged: () => Promise<void>;
  codeBreak: CodeBreakShown | null;
  onCodeBreak: (shown: CodeBreakShown | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const info = useSystemInfo();
  const [signingKey, setSigningKey] = useState(false);

  if (!status) return loadError ? <ErrorAlert error={loadError} /> : <Loader />;

  return (
    <Stack gap="xl" data-testid="setup-panel">
      {codeBreak && <CodeBreakSheet shown={codeBreak} onDone={() => onCodeBreak(null)} />}
      <ErrorAlert error={loadError} />

      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h3">
            {t('setup.status.title')}
          </Title>
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void onChanged()} loading={loading}>
            {t('setup.reload')}
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
          <Card withBorder radius="md" padding="md" data-testid="status-key" data-key-set-up={status.keySetUp ? 'true' : 'false'}>
            <Stack gap={6}>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                {t('setup.status.key')}
              </Text>
              <Group className="veil-badges">
                {status.keySetUp ? (
                  <Badge size="lg" color="teal" variant="light" leftSection={<IconKey size="1em" aria-hidden />}>
                    {t('setup.status.keySetUp')}
                  </Badge>
                ) : (
                  <Badge size="lg" color="orange.9" variant="outline" leftSection={<IconKeyOff size="1em" aria-hidden />}>
                    {t('setup.status.keyNotSetUp')}
                  </Badge>
                )}
              </Group>
              <Text size="sm" data-testid="status-key-explanation">
                {status.keySetUp ? t('setup.status.keySetUpExplanation') : info?.study ? t('setup.status.keyNotSetUpExplanation') : t('setup.status.keyAwaitsStudy')}
              </Text>
            </Stack>
          </Card>
          <Card withBorder radius="md" padding="md" data-testid="status-session" data-holds-key={status.sessionHoldsKey ? 'true' : 'false'}>
            <Stack gap={6}>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                {t('setup.status.session')}
              </Text>
              <Group className="veil-badges">
                {status.sessionHoldsKey ? (
                  <Badge size="lg" color="teal" variant="light" leftSection={<IconLockOpen size="1em" aria-hidden />}>
                    {t('setup.status.holdsKey')}
                  </Badge>
                ) : (
                  <Badge size="lg" color="gray.7" variant="outline" leftSection={<IconLock size="1em" aria-hidden />}>
                    {t('setup.status.noKey')}
                  </Badge>
                )}
              </Group>
              <Text size="sm">
                {status.sessionHoldsKey
                  ? t('setup.status.holdsKeyExplanation')
                  : status.keySetUp
                    ? t('setup.status.noKeyExplanation')
                    : t('setup.status.noKeyYetExplanation')}
              </Text>
            </Stack>
          </Card>
          <Card withBorder radius="md" padding="md" data-testid="status-lists">
            <Stack gap={6}>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                {t('setup.status.lists')}
              </Text>
              <Text fw={700}>
                {t('setup.status.slots', { count: status.slots })}
              </Text>
              <Text fw={700}>
                {t('setup.status.kits', { count: status.kits })}
              </Text>
              <Text size="sm">{info?.study ? t('setup.status.study', { code: info.study.code }) : t('setup.status.noStudy')}</Text>
            </Stack>
          </Card>
        </SimpleGrid>
      </Stack>

      {info && !info.study && <StudyFileLoad onLoaded={onChanged} />}

      {/* A key belongs to a study: it is created once the study is loaded. */}
      {!status.keySetUp && info?.study && (
        <Card withBorder radius="md" padding="lg" data-testid="key-set-up">
          <Stack gap="sm">
            <Title order={2} fz="h3">
              {t('setup.key.title')}
            </Title>
            <Text>{t('setup.key.explanation')}</Text>
            <Text>{t('setup.key.passphrase')}</Text>
            <Group>
              <Button leftSection={<IconKey size="1.1em" aria-hidden />} onClick={() => setSigningKey(true)} data-testid="key-set-up-button">
                {t('setup.key.create')}
              </Button>
            </Group>
          </Stack>
          <SignatureDialog
            opened={signingKey}
            channel="allocation.setUpKey"
            submitLabel={t('setup.key.sign')}
            onSign={(signature) => client.allocation.setUpKey({ signature })}
            onSigned={(answer) => {
              setSigningKey(false);
              onCodeBreak({ passphrase: answer.codeBreakPassphrase, signature: answer.signature });
              void onChanged();
            }}
            onClose={() => setSigningKey(false)}
          >
            <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />}>
              {t('setup.key.beforeSigning')}
            </Alert>
          </SignatureDialog>
        </Card>
      )}

      <Stack gap="sm">
        <Title order={2} fz="h3">
          {t('setup.imports.title')}
        </Title>
        {status.imports.length === 0 ? (
          <Text c="dimmed" data-testid="imports-none">
            {t('setup.imports.none')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="sm" data-testid="imports-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('setup.imports.columns.list')}</Table.Th>
                  <Table.Th w="42%">{t('setup.imports.columns.imported')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.imports.map((i) => (
                  <Table.Tr key={i.id} data-testid={`import-row-${i.id}`}>
                    <Table.Td>
                      <Stack gap={2}>
                        <Text fw={700} style={{ overflowWrap: 'anywhere' }}>
                          {i.fileName}
                        </Text>
                        <Text size="sm">{t(i.kind === 'kits' ? 'setup.imports.kitRows' : 'setup.imports.slotRows', { count: i.rowCount })}</Text>
                        <Text size="xs" c="dimmed">
                          {t('setup.imports.columns.sha256')}
                        </Text>
                        <Text ff="monospace" size="xs" style={{ overflowWrap: 'anywhere' }}>
                          {i.sha256}
                        </Text>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        <Text size="sm">{formatDateTime(i.importedAt, i18n.language)}</Text>
                        <SignedBy signature={i.signature} testId={`import-signature-${i.id}`} />
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <ListImport status={status} onImported={onChanged} />
    </Stack>
  );
}
