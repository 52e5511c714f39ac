import { Alert, Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconAlertOctagon, IconAlertTriangle, IconCircleCheck, IconHourglassHigh, IconMessage, IconSignature } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy } from '../common/SignedBy';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { formatUtc } from '../common/utcTime';
import { client } from '../transport/client';
import { reconciliationMessage } from './reconciliationMessages';
import type { DiscrepancyComment, DiscrepancyLine, Reconciliation, SignOff } from './types';
import { discrepancyWord, voidingActionWord, voidingEntityWord } from './words';

/** How many open discrepancies the card shows at first, and adds each time the monitor asks for more. */
const OPEN_DISCREPANCIES_PAGE = 20;

/** One open discrepancy: its kit, patient and kinds in words, and the monitor's comment, saved on its own. */
function OpenDiscrepancy({ kit, line, onCommented }: { kit: string; line: DiscrepancyLine | undefined; onCommented: () => void }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const save = useVeilAction();
  async function submit() {
    const result = await save.run(() => client.reconciliation.comment({ kitNumber: kit, comment }));
    if (result.ok) {
      setComment('');
      onCommented();
    }
  }
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={`signoff-open-${kit}`}>
      <Stack gap={6}>
        <Text fw={700}>
          <Text span ff="monospace">
            {t('reconciliation.signOff.openKit', { kit, patient: line?.patient ?? '—' })}
          </Text>
          {' · '}
          {(line?.discrepancies ?? []).map((d) => discrepancyWord(d, t)).join(', ')}
        </Text>
        <Group align="flex-end" wrap="nowrap">
          <Textarea
            style={{ flex: 1 }}
            label={t('reconciliation.signOff.commentLabel')}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            autosize
            minRows={1}
            maxLength={2000}
            data-testid={`signoff-comment-${kit}`}
          />
          <Button variant="default" leftSection={<IconMessage size="1em" aria-hidden />} onClick={() => void submit()} loading={save.busy} disabled={comment.trim().length === 0} data-testid={`signoff-comment-save-${kit}`}>
            {t('reconciliation.signOff.commentSave')}
          </Button>
        </Group>
        <TranslatedErrorAlert error={save.error} translate={reconciliationMessage} />
      </Stack>
    </Paper>
  );
}

/**
 * The monitor's sign-off of the reconciliation: who signed, when and with what meaning, or that a later change voided
 * it (the audit event that did, by number, action, user and time). Monitors sign here (e-signature).
 */
export function SignOffCard({
  signOff,
  reconciliation,
  comments,
  openDiscrepancies,
  onCommented,
  canSign,
  onSigned,
}: {
  signOff: SignOff;
  reconciliation: Reconciliation;
  comments: DiscrepancyComment[];
  openDiscrepancies: string[];
  onCommented: () => void;
  canSign: boolean;
  onSigned: (signOff: SignOff) => void;
}) {
  const { t } = useTranslation();
  const [signing, setSigning] = useState(false);
  // The open discrepancies a page at a time: a pharmacy of 50,000 kits can have thousands, and a card each (with its
  // own comment field) took the monitor's screen 45 s to show. The monitor works through them from the top.
  const [shown, setShown] = useState(OPEN_DISCREPANCIES_PAGE);
  const lineOf = useMemo(() => new Map(reconciliation.discrepancies.map((d) => [d.kitNumber, d])), [reconciliation]);
  const state = signOff === null ? 'none' : signOff.voidedBy ? 'voided' : 'signed';
  const voided = signOff?.voidedBy ?? null;

  return (
    <Paper
      withBorder
      p="lg"
      radius="md"
      data-testid="signoff-status"
      data-state={state}
      style={{ borderWidth: 3, borderColor: state === 'signed' ? 'var(--mantine-color-teal-7)' : state === 'voided' ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-gray-5)' }}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Group gap="sm" align="center">
            <Title order={2} fz="h3">
              {t('reconciliation.signOff.title')}
            </Title>
            {state === 'signed' && (
              <Badge size="xl" color="teal" leftSection={<IconCircleCheck size="1em" aria-hidden />} data-testid="signoff-badge">
                {t('reconciliation.signOff.signedBadge')}
              </Badge>
            )}
            {state === 'voided' && (
              <Badge size="xl" color="red" leftSection={<IconAlertOctagon size="1em" aria-hidden />} data-testid="signoff-badge">
                {t('reconciliation.signOff.voidedBadge')}
              </Badge>
            )}
            {state === 'none' && (
              <Badge size="xl" color="gray" variant="outline" leftSection={<IconHourglassHigh size="1em" aria-hidden />} data-testid="signoff-badge">
                {t('reconciliation.signOff.noneBadge')}
              </Badge>
            )}
          </Group>
          {canSign && (
            <Button size="md" leftSection={<IconSignature size="1.2em" aria-hidden />} onClick={() => setSigning(true)} disabled={openDiscrepancies.length > 0} data-testid="signoff-sign">
              {t('reconciliation.signOff.sign')}
            </Button>
          )}
        </Group>

        {signOff === null && <Text data-testid="signoff-text">{t('reconciliation.signOff.none')}</Text>}
        {voided && (
          <Text fz="lg" fw={700} c="red.9" data-testid="signoff-voided">
            {t('reconciliation.signOff.voidedBy', { seq: voided.seq, action: voidingActionWord(voided.action, t), user: voided.username, time: formatUtc(voided.atUtc), entity: voidingEntityWord(voided.action, voided.entityId, t) })}
          </Text>
        )}
        {signOff && (
          <Stack gap={4} style={voided ? { opacity: 0.9 } : undefined}>
            {voided && <Text fw={600}>{t('reconciliation.signOff.wasSigned')}</Text>}
            <SignedBy signature={signOff.signature} size="md" testId="signoff-signed-by" />
            <Text size="sm" c="dimmed" data-testid="signoff-details">
              {t('reconciliation.signOff.details', { count: signOff.discrepancies, hash: signOff.snapshotHash.slice(0, 16) })}
            </Text>
            {voided && <Text data-testid="signoff-sign-again">{t('reconciliation.signOff.signAgain')}</Text>}
          </Stack>
        )}
        {openDiscrepancies.length > 0 && (
          <Stack gap="xs" data-testid="signoff-open" data-count={openDiscrepancies.length}>
            <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} data-testid="signoff-open-alert">
              {t('reconciliation.signOff.openNeedComment', { count: openDiscrepancies.length })}
            </Alert>
            {canSign && openDiscrepancies.slice(0, shown).map((kit) => <OpenDiscrepancy key={kit} kit={kit} line={lineOf.get(kit)} onCommented={onCommented} />)}
            {canSign && openDiscrepancies.length > shown && (
              <Group justify="space-between" wrap="wrap">
                <Text size="sm" c="dimmed" data-testid="signoff-open-shown">
                  {t('reconciliation.signOff.openShown', { shown, count: openDiscrepancies.length })}
                </Text>
                <Button variant="default" onClick={() => setShown((n) => n + OPEN_DISCREPANCIES_PAGE)} data-testid="signoff-open-more">
                  {t('reconciliation.signOff.openMore', { count: Math.min(OPEN_DISCREPANCIES_PAGE, openDiscrepancies.length - shown) })}
                </Button>
              </Group>
            )}
          </Stack>
        )}
        {comments.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="signoff-commented">
            {t('reconciliation.signOff.commented', { count: comments.length })}
          </Text>
        )}
      </Stack>

      <SignatureDialog
        opened={signing}
        channel="reconciliation.signOff"
        title={t('reconciliation.signOff.dialogTitle')}
        submitLabel={t('reconciliation.signOff.dialogSubmit')}
        onSign={(signature) => client.reconciliation.signOff({ signature })}
        onSigned={(answer) => {
          setSigning(false);
          onSigned(answer.signOff);
        }}
        onClose={() => setSigning(false)}
      >
        <Stack gap="xs" data-testid="signoff-summary">
          <Text>{t('reconciliation.signOff.summary', { time: formatUtc(reconciliation.asOf), kits: t('reconciliation.signOff.kitCount', { count: reconciliation.kitCount }), count: reconciliation.discrepancies.length })}</Text>
          {reconciliation.unverifiedReturns > 0 && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} data-testid="signoff-unverified-warning">
              {t('reconciliation.signOff.unverifiedWarning', { count: reconciliation.unverifiedReturns })}
            </Alert>
          )}
        </Stack>
      </SignatureDialog>
    </Paper>
  );
}
