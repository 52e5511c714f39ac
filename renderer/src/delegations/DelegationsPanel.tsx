import { Alert, Badge, Button, Group, Loader, Modal, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconCheck, IconFileTypeCsv, IconFileTypePdf, IconRefresh, IconUserCancel, IconUserShare } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DelegationLine } from '../../../shared/contract/delegations';
import type { UserSummary } from '../../../shared/contract/users';
import { ROLES, ROLE_IS_BLINDED, type Role } from '../../../shared/roles';
import { BlindingBadge } from '../common/BlindingBadge';
import { formatDate } from '../common/dates';
import { downloadBase64 } from '../common/download';
import { ErrorAlert } from '../common/ErrorAlert';
import { SignedBy } from '../common/SignedBy';
import { useSignedAction } from '../common/SignatureDialog';
import { useVeilAction } from '../common/useVeilAction';
import { useActiveSession } from '../session/SessionContext';
import { useSiteToday } from '../system/useSiteToday';
import { client } from '../transport/client';

/**
 * The study's delegation log (ICH E6 4.1.5; issue 14, item 2): who may work in the study, in which role, from and to
 * which day, and who signed each grant and end. The administrator delegates blinded roles; an unblinded user of the
 * study delegates unblinded ones, with the study's key in the same signature: each sees and acts on the roles they may
 * delegate only.
 */
export function DelegationsPanel() {
  const { t, i18n } = useTranslation();
  const { user: me, permissions } = useActiveSession();
  const [log, setLog] = useState<DelegationLine[] | null>(null);
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [granting, setGranting] = useState(false);
  const [ending, setEnding] = useState<DelegationLine | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useVeilAction();
  const { run } = load;
  // The same rule as the core's (DelegationService.mayDelegate): shown only where it would be accepted.
  const mayDelegate = (role: Role) => (ROLE_IS_BLINDED[role] ? me.role === 'administrator' : permissions.includes('allocation.grant'));
  const delegable = ROLES.filter((r) => r !== 'administrator' && mayDelegate(r));

  const reload = useCallback(async () => {
    const result = await run(async () => ({ log: await client.delegations.log({}), users: await client.users.list({}) }));
    if (result.ok) {
      setLog(result.value.log);
      setUsers(result.value.users);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  function finished(message: string) {
    setGranting(false);
    setEnding(null);
    setDone(message);
    void reload();
  }

  async function print(format: 'csv' | 'pdf') {
    const result = await run(() => client.delegations.print({ format }));
    if (result.ok) downloadBase64(result.value.fileName, result.value.mime, result.value.base64);
  }

  return (
    <Stack gap="md" data-testid="delegations-panel">
      <Group justify="space-between">
        <Text c="dimmed">{t('delegations.intro')}</Text>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={() => void reload()} loading={load.busy}>
            {t('admin.users.reload')}
          </Button>
          <Button variant="default" leftSection={<IconFileTypeCsv size="1.1em" aria-hidden />} onClick={() => void print('csv')} data-testid="delegation-print-csv">
            {t('delegations.printCsv')}
          </Button>
          <Button variant="default" leftSection={<IconFileTypePdf size="1.1em" aria-hidden />} onClick={() => void print('pdf')} data-testid="delegation-print-pdf">
            {t('delegations.printPdf')}
          </Button>
          {delegable.length > 0 && (
            <Button leftSection={<IconUserShare size="1.1em" aria-hidden />} onClick={() => (setDone(null), setGranting(true))} data-testid="delegation-grant-button">
              {t('delegations.grant')}
            </Button>
          )}
        </Group>
      </Group>
      {done && (
        <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setDone(null)} data-testid="delegation-done">
          {done}
        </Alert>
      )}
      <ErrorAlert error={load.error} />
      {log === null ? (
        <Loader aria-label={t('delegations.loading')} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="delegation-log">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('delegations.columns.person')}</Table.Th>
                <Table.Th>{t('delegations.columns.role')}</Table.Th>
                <Table.Th>{t('delegations.columns.dates')}</Table.Th>
                <Table.Th>{t('delegations.columns.record')}</Table.Th>
                <Table.Th>{t('admin.users.columns.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.map((line) => {
                const { status } = line;
                return (
                  <Table.Tr key={line.id} data-testid="delegation-row" data-username={line.username} data-status={status}>
                    <Table.Td>
                      <Text fw={600}>{line.displayName}</Text>
                      <Text size="sm" c="dimmed">
                        {line.username}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={4} align="flex-start">
                        <Text style={{ whiteSpace: 'nowrap' }}>{t(`roles.${line.role}`)}</Text>
                        <BlindingBadge blinded={line.blinded} size="sm" />
                      </Stack>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text>
                        {line.endsOn
                          ? t('delegations.fromTo', { from: formatDate(line.startsOn, i18n.language), to: formatDate(line.endsOn, i18n.language) })
                          : t('delegations.from', { from: formatDate(line.startsOn, i18n.language) })}
                      </Text>
                      <Badge mt={4} variant={status === 'current' ? 'filled' : 'light'} color={status === 'current' ? 'teal.9' : status === 'future' ? 'blue' : 'gray'} data-testid="delegation-status">
                        {t(`delegations.status.${status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={6}>
                        <div>
                          {line.grantSignature ? (
                            <SignedBy signature={line.grantSignature} size="xs" />
                          ) : (
                            <Text size="sm">{line.grantedBy ? t('delegations.grantedWithAccount', { by: line.grantedBy }) : line.reason ? t('delegations.unsigned') : t('delegations.carriedOver')}</Text>
                          )}
                          {line.reason && (
                            <Text size="xs" c="dimmed">
                              {line.reason}
                            </Text>
                          )}
                        </div>
                        {(line.endSignature || line.endReason) && (
                          <div data-testid="delegation-ending">
                            <Text size="xs" fw={600}>
                              {t('delegations.columns.ended')}
                            </Text>
                            {line.endSignature && <SignedBy signature={line.endSignature} size="xs" />}
                            {line.endReason && (
                              <Text size="xs" c="dimmed">
                                {line.endReason}
                              </Text>
                            )}
                          </div>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {status !== 'ended' && line.userId !== me.id && mayDelegate(line.role) && (
                        <Button size="compact-sm" variant="light" color="red" leftSection={<IconUserCancel size="1em" aria-hidden />} onClick={() => (setDone(null), setEnding(line))} data-testid="delegation-end-button">
                          {t('delegations.end')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <GrantModal opened={granting} users={users.filter((u) => u.active && u.role !== 'administrator' && u.id !== me.id)} roles={delegable} onClose={() => setGranting(false)} onGranted={finished} />
      <EndModal line={ending} onClose={() => setEnding(null)} onEnded={(name) => finished(t('delegations.ended', { name }))} />
    </Stack>
  );
}

/** Who, which role, from and to which day, why: then the e-signature. */
function GrantModal({ opened, users, roles, onClose, onGranted }: { opened: boolean; users: UserSummary[]; roles: Role[]; onClose: () => void; onGranted: (message: string) => void }) {
  const { t } = useTranslation();
  // The site's today, not the reader's: the core refuses a first day before its own today (DelegationService.grant).
  const today = useSiteToday(opened);
  const [userId, setUserId] = useState<string>('');
  const [role, setRole] = useState<Role | ''>('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [reason, setReason] = useState('');
  const signer = useSignedAction();
  // From today unless the pharmacist chose a later day (the form keeps its values while it is closed).
  useEffect(() => {
    if (today) setStartsOn((day) => (day === '' || day < today ? today : day));
  }, [today]);
  const chosen = users.find((u) => String(u.id) === userId);
  // An unblinded role comes with the study's key: it goes to accounts made unblinded only (their key pair carries it).
  const unblindedRole = role !== '' && !ROLE_IS_BLINDED[role];
  const offered = unblindedRole ? users.filter((u) => !ROLE_IS_BLINDED[u.role]) : users;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen || !role) return;
    const input = { userId: chosen.id, role, startsOn, endsOn: endsOn || null, reason };
    const answer = await signer.sign('delegations.grant', (signature) => client.delegations.grant({ ...input, signature }), {
      summary: (
        <Stack gap={4}>
          <Text>{t(endsOn ? 'delegations.grantSummaryTo' : 'delegations.grantSummary', { name: chosen.displayName, role: t(`roles.${role}`), from: startsOn, to: endsOn })}</Text>
          {unblindedRole && <Text size="sm">{t('delegations.grantKeyGoes')}</Text>}
        </Stack>
      ),
    });
    if (!answer) return;
    const name = chosen.displayName;
    onGranted(answer.key === 'granted' ? t('delegations.grantedWithKey', { name }) : answer.key === 'after_own_password' ? t('delegations.grantedKeyWaits', { name }) : t('delegations.granted', { name }));
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('delegations.grant')} size="xl">
      <form onSubmit={submit} noValidate data-testid="delegation-grant-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <NativeSelect
              label={t('delegations.columns.person')}
              value={userId}
              onChange={(e) => setUserId(e.currentTarget.value)}
              description={unblindedRole ? t('delegations.unblindedAccountsOnly') : undefined}
              data={[{ value: '', label: t('delegations.choosePerson') }, ...offered.map((u) => ({ value: String(u.id), label: `${u.displayName} (${u.username})` }))]}
              data-testid="delegation-user"
            />
            <NativeSelect
              label={t('delegations.columns.role')}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
              description={unblindedRole ? t('delegations.grantKeyGoes') : undefined}
              data={[{ value: '', label: t('delegations.chooseRole') }, ...roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))]}
              data-testid="delegation-role"
            />
            <TextInput type="date" label={t('delegations.startsOn')} value={startsOn} min={today ?? undefined} onChange={(e) => setStartsOn(e.currentTarget.value)} data-testid="delegation-starts" />
            <TextInput type="date" label={t('delegations.endsOn')} description={t('delegations.endsOnHint')} value={endsOn} min={startsOn} onChange={(e) => setEndsOn(e.currentTarget.value)} data-testid="delegation-ends" />
          </SimpleGrid>
          <TextInput label={t('admin.users.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="delegation-reason" />
          <Group justify="flex-end">
            <Button type="submit" disabled={!chosen || !role || reason.trim().length < 3 || !startsOn} data-testid="delegation-grant-submit">
              {t('delegations.grantSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
      {signer.dialog}
    </Modal>
  );
}

/** Ending a delegation today: why, then the e-signature. */
function EndModal({ line, onClose, onEnded }: { line: DelegationLine | null; onClose: () => void; onEnded: (name: string) => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const signer = useSignedAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!line) return;
    const answer = await signer.sign('delegations.end', (signature) => client.delegations.end({ delegationId: line.id, reason, signature }), {
      summary: <Text>{t('delegations.endSummary', { name: line.displayName, role: t(`roles.${line.role}`) })}</Text>,
    });
    if (answer) {
      setReason('');
      onEnded(line.displayName);
    }
  }

  return (
    <Modal opened={line !== null} onClose={onClose} title={line ? t('delegations.endTitle', { name: line.displayName }) : ''} size="lg">
      <form onSubmit={submit} noValidate data-testid="delegation-end-form">
        <Stack gap="md">
          <Text>{t('delegations.endExplanation')}</Text>
          <TextInput label={t('admin.users.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus data-testid="delegation-end-reason" />
          <Group justify="flex-end">
            <Button type="submit" color="red" disabled={reason.trim().length < 3} data-testid="delegation-end-submit">
              {t('delegations.end')}
            </Button>
          </Group>
        </Stack>
      </form>
      {signer.dialog}
    </Modal>
  );
}
