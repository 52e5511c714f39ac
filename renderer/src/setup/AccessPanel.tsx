import { Alert, Badge, Button, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconKey, IconUserExclamation } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { AUDIT_PAGE_MAX } from '../../../shared/contract/audit';
import type { UserSummary } from '../../../shared/contract/users';
import { VeilError } from '../../../shared/errors';
import { translatedError } from '../common/contractForm';
import { formatDateTime } from '../common/format';
import { translateServerMessage } from '../i18n/serverMessages';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { validateGrantReason } from './setupForms';
import type { AllocationStatus } from './StudySetupPage';

interface Candidate {
  userId: number;
  username: string;
  displayName: string;
  canBeGranted: boolean;
}

/** The last password reset by an administrator that took a user's key access away (from the audit trail). */
interface AccessRemoved {
  atUtc: string;
  by: string;
  reason: string | null;
}

/**
 * Who may open the allocation: the key holders, and the unblinded users waiting for access (new, or whose access an
 * administrator's password reset removed), each granted here with a reason and an e-signature by a key holder.
 * A role that may grant but not set up the study (the unblinded monitor) does not see the key holders: it is offered
 * every active unblinded colleague instead.
 */
export function AccessPanel({ status, statusError, onChanged }: { status: AllocationStatus | null; statusError: VeilError | null; onChanged: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const { user: me, permissions } = useActiveSession();
  const canReadAudit = permissions.includes('audit.read');
  const canReadUsers = permissions.includes('users.read');
  const canSetUp = permissions.includes('allocation.setup');
  const [users, setUsers] = useState<UserSummary[] | null>(null);
  const [usersError, setUsersError] = useState<VeilError | null>(null);
  const [removed, setRemoved] = useState<Map<string, AccessRemoved>>(new Map());
  const [granting, setGranting] = useState<Candidate | null>(null);
  // The grant's reason, validated by allocation.grantAccess's schema (setupForms.ts) before the signature is sent.
  const form = useForm<{ reason: string }>({ initialValues: { reason: '' }, validate: validateGrantReason });
  const reason = form.values.reason;
  const reasonError = translatedError(form.errors, 'reason', translateServerMessage, t);
  const [granted, setGranted] = useState<{ name: string; signature: SignatureShown } | null>(null);

  useEffect(() => {
    let cancelled = false;
    if (canReadUsers && !canSetUp) {
      client.users.list({}).then(
        (list) => !cancelled && setUsers(list),
        (error: unknown) => !cancelled && setUsersError(error instanceof VeilError ? error : new VeilError('internal', String(error))),
      );
    }
    if (canReadAudit) {
      // Password resets that removed key access: said next to the user waiting for it again.
      // The newest resets first (one page is hundreds of them): each user's latest reset is the one said.
      client.audit.list({ action: 'user.password_reset', order: 'newest', pageSize: AUDIT_PAGE_MAX }).then(
        ({ events }) => {
          if (cancelled) return;
          const map = new Map<string, AccessRemoved>();
          for (const e of events) {
            const after = e.after && typeof e.after === 'object' ? (e.after as Record<string, unknown>) : {};
            if (after.allocationKeyAccessRemoved === true && !map.has(e.entityId)) map.set(e.entityId, { atUtc: e.atUtc, by: e.username, reason: e.reason });
          }
          setRemoved(map);
        },
        () => {
          // Only a note is lost; the list of users waiting for access stands.
        },
      );
    }
    return () => {
      cancelled = true;
    };
  }, [canReadUsers, canReadAudit, canSetUp, status]);

  const candidates: Candidate[] | null = status
    ? status.awaitingAccess
    : users
      ? users
          .filter((u) => u.active && !u.blinded && u.id !== me.id)
          .map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName, canBeGranted: true }))
      : null;

  function open(candidate: Candidate) {
    setGranted(null);
    form.setValues({ reason: '' });
    form.clearErrors();
    setGranting(candidate);
  }

  async function grant(signature: { username?: string; password: string }) {
    if (!granting) throw new VeilError('internal', 'No user chosen');
    const refused = form.validate().errors.reason;
    // Refused here: the dialog stays open and says why above its buttons, as the host would.
    if (refused) throw new VeilError('validation', String(refused), [{ path: ['reason'], message: String(refused) }]);
    return client.allocation.grantAccess({ userId: granting.userId, reason: reason.trim(), signature });
  }

  const error = status === null && canSetUp ? statusError : usersError;

  return (
    <Stack gap="xl" data-testid="access-panel">
      <Text maw={900}>{t('setup.access.intro')}</Text>
      <ErrorAlert error={error} />
      {granted && (
        <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setGranted(null)} title={t('setup.access.granted', { name: granted.name })} data-testid="access-granted">
          <Stack gap={4}>
            <Text>{t('setup.access.grantedNext')}</Text>
            <SignedBy signature={granted.signature} testId="access-granted-signature" />
          </Stack>
        </Alert>
      )}
      {status && !status.sessionHoldsKey && (
        <Alert variant="light" color="yellow" icon={<IconAlertTriangle aria-hidden />} data-testid="access-needs-key">
          {status.keySetUp ? t('setup.access.needsKey') : t('setup.import.needsKeySetUp')}
        </Alert>
      )}

      {status && (
        <Stack gap="sm">
          <Title order={2} fz="h3">
            {t('setup.access.holdersTitle')}
          </Title>
          {status.keyHolders.length === 0 ? (
            <Text c="dimmed">{t('setup.access.noHolders')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table striped verticalSpacing="sm" data-testid="key-holders-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('setup.access.columns.user')}</Table.Th>
                    <Table.Th>{t('setup.access.columns.since')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {status.keyHolders.map((h) => (
                    <Table.Tr key={h.username} data-testid={`key-holder-${h.username}`}>
                      <Table.Td>
                        <Text fw={700}>{h.displayName}</Text>
                        <Text size="sm" c="dimmed">
                          {h.username}
                        </Text>
                      </Table.Td>
                      <Table.Td>{formatDateTime(h.grantedAt, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      )}

      <Stack gap="sm">
        <Title order={2} fz="h3">
          {status ? t('setup.access.awaitingTitle') : t('setup.access.unblindedTitle')}
        </Title>
        {!status && <Text c="dimmed">{t('setup.access.noStatusNote')}</Text>}
        {candidates === null ? (
          !error && <Loader />
        ) : candidates.length === 0 ? (
          <Text c="dimmed" data-testid="awaiting-none">
            {t('setup.access.noneAwaiting')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing="sm" data-testid="awaiting-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('setup.access.columns.user')}</Table.Th>
                  <Table.Th>{t('setup.access.columns.state')}</Table.Th>
                  <Table.Th>{t('setup.access.columns.action')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {candidates.map((c) => {
                  const reset = removed.get(c.username);
                  return (
                    <Table.Tr key={c.userId} data-testid={`awaiting-${c.username}`}>
                      <Table.Td>
                        <Text fw={700}>
                          {c.displayName}
                          {c.userId === me.id && (
                            <Text span c="dimmed" fw={400}>
                              {' '}
                              ({t('admin.users.you')})
                            </Text>
                          )}
                        </Text>
                        <Text size="sm" c="dimmed">
                          {c.username}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={4} maw={420}>
                          {status && reset && (
                            <Text size="sm" data-testid={`access-removed-${c.username}`}>
                              <IconUserExclamation size="1.1em" aria-hidden style={{ verticalAlign: '-0.2em', marginRight: '0.3em' }} />
                              {reset.reason
                                ? t('setup.access.removedByReset', { time: formatDateTime(reset.atUtc, i18n.language), by: reset.by, reason: reset.reason })
                                : t('setup.access.removedByResetNoReason', { time: formatDateTime(reset.atUtc, i18n.language), by: reset.by })}
                            </Text>
                          )}
                          {status && !reset && <Text size="sm">{t('setup.access.new')}</Text>}
                          {!c.canBeGranted && (
                            <Badge variant="outline" color="orange.9" className="veil-badges" data-testid={`awaiting-own-password-${c.username}`}>
                              {t('setup.access.mustChooseOwnPassword')}
                            </Badge>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="sm"
                          leftSection={<IconKey size="1em" aria-hidden />}
                          disabled={!c.canBeGranted || c.userId === me.id || (status !== null && !status.sessionHoldsKey)}
                          onClick={() => open(c)}
                          data-testid={`grant-${c.username}`}
                        >
                          {t('setup.access.grant')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>

      <SignatureDialog
        opened={granting !== null}
        channel="allocation.grantAccess"
        title={granting ? t('setup.access.dialogTitle', { name: granting.displayName }) : undefined}
        submitLabel={t('setup.access.sign')}
        onSign={grant}
        onSigned={(answer) => {
          if (granting) setGranted({ name: granting.displayName, signature: answer.signature });
          setGranting(null);
          void onChanged();
        }}
        onClose={() => setGranting(null)}
      >
        {granting && (
          <Stack gap="sm">
            <Text>{t('setup.access.dialogExplanation', { name: granting.displayName, username: granting.username })}</Text>
            <TextInput
              label={t('setup.access.reason')}
              description={t('setup.access.reasonHint')}
              value={reason}
              onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
              error={reasonError}
              data-autofocus
              data-testid="grant-reason"
            />
          </Stack>
        )}
      </SignatureDialog>
    </Stack>
  );
}
