import { ActionIcon, Alert, Badge, Button, Group, Modal, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconFileTypePdf, IconPrinter, IconRefresh, IconRepeat } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { VeilError, type ValidationIssue } from '../../../shared/errors';
import { translatedError } from '../common/contractForm';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { downloadBase64 } from '../common/download';
import { client } from '../transport/client';
import { translateServerMessage } from '../i18n/serverMessages';
import { reprintMessage, validateReprint, type Reprint } from './labelForms';
import type { LabelKind, LabelPrintState, PrinterJob } from './labelTypes';

/** What the last action on this label did, said under its buttons. */
type Outcome = { kind: 'pdf'; fileName: string } | { kind: 'printer'; job: PrinterJob };

const REASON_FIELD = 'reprintReason' satisfies keyof Reprint;

function reasonIssue(error: VeilError | null): ValidationIssue | null {
  return error?.issues?.find((i) => i.path[0] === REASON_FIELD) ?? null;
}

/** Sends one label to the label printer chosen for its kind (devices); only a print the printer confirms counts. */
async function printLabel(kitNumber: string, kind: LabelKind, reprintReason: string | undefined): Promise<Outcome> {
  const { job } = await client.devices.printLabel({ kitNumber, kind, ...(reprintReason ? { reprintReason } : {}) });
  return { kind: 'printer', job };
}

/** The label as PDF, downloaded here: to look at, keep or print elsewhere. Not a print; the print count stays. */
async function downloadPdf(kitNumber: string, kind: LabelKind): Promise<Outcome> {
  const file = await client.labels.download({ kitNumber, kind, format: 'pdf' });
  downloadBase64(file.fileName, file.mime, file.base64);
  return { kind: 'pdf', fileName: file.fileName };
}

/**
 * Printed or not, how many times and when last: what the pharmacy needs to know before printing again. Compact (the
 * queue's table): a short badge, the time of the last print in its tooltip.
 */
function LabelPrintStatus({ kitNumber, kind, state, compact }: { kitNumber: string; kind: LabelKind; state: LabelPrintState; compact: boolean }) {
  const { t, i18n } = useTranslation();
  const testId = `label-status-${kitNumber}-${kind}`;
  if (state.prints === 0)
    return (
      <Badge size={compact ? 'sm' : 'lg'} variant="filled" color="orange.8" style={{ flexShrink: 0 }} data-testid={testId} data-prints={0}>
        {t(compact ? 'dispense.labels.toPrint' : 'dispense.labels.notPrinted')}
      </Badge>
    );
  const last = state.lastPrintedAt ? t('dispense.labels.lastPrinted', { time: formatDateTime(state.lastPrintedAt, i18n.language) }) : null;
  const badge = (
    <Badge size={compact ? 'sm' : 'lg'} variant="light" color="teal" leftSection={<IconCircleCheck size="1em" aria-hidden />} style={{ flexShrink: 0 }} data-testid={testId} data-prints={state.prints}>
      {t(compact ? 'dispense.labels.printedShort' : 'dispense.labels.printed', { count: state.prints })}
    </Badge>
  );
  if (compact) return last ? <Tooltip label={last}>{badge}</Tooltip> : badge;
  return (
    <Stack gap={0}>
      {badge}
      {last && (
        <Text size="xs" c="dimmed" mt={2}>
          {last}
        </Text>
      )}
    </Stack>
  );
}

/**
 * One label's print status and buttons: "Send to printer" until a label printer printed it once, then "Reprint…",
 * which asks for the reason (recorded with the reprint); "Download PDF" at any time, which is not a print. The host
 * decides what is a reprint: a label someone printed meanwhile is refused without a reason, and the reason is then
 * asked here. Compact: for a row of the queue's table (the new status is the answer; only a failure is said in words).
 */
export function LabelActions({ kitNumber, kind, state, onPrinted, compact = false }: { kitNumber: string; kind: LabelKind; state: LabelPrintState | null; onPrinted: () => void; compact?: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<'pdf' | 'printer' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reprinting, setReprinting] = useState(false);
  const action = useVeilAction();
  const size = compact ? 'compact-sm' : 'sm';
  // In a table row the buttons keep their width; the row scrolls rather than squash them.
  const keep = compact ? { flexShrink: 0 } : undefined;
  const testId = `${kitNumber}-${kind}`;

  async function print() {
    setBusy('printer');
    setOutcome(null);
    let printedMeanwhile = false;
    const result = await action.run(async () => {
      try {
        return await printLabel(kitNumber, kind, undefined);
      } catch (error) {
        printedMeanwhile = error instanceof VeilError && reasonIssue(error) !== null;
        throw error;
      }
    });
    setBusy(null);
    if (result.ok) {
      setOutcome(result.value);
      onPrinted();
    } else if (printedMeanwhile) {
      // Printed by someone else meanwhile: this is a reprint now, which asks for its reason.
      onPrinted();
      setReprinting(true);
    }
  }

  async function download() {
    setBusy('pdf');
    setOutcome(null);
    const result = await action.run(() => downloadPdf(kitNumber, kind));
    setBusy(null);
    if (result.ok) setOutcome(result.value);
  }

  async function retry(job: PrinterJob) {
    setBusy('printer');
    const result = await action.run(() => client.devices.retryJob({ jobId: job.id }));
    setBusy(null);
    if (result.ok) {
      setOutcome({ kind: 'printer', job: result.value.job });
      onPrinted();
    }
  }

  const printed = (state?.prints ?? 0) > 0;
  const needsReason = !printed && action.error !== null && reasonIssue(action.error) !== null;
  const failedJob = outcome?.kind === 'printer' && outcome.job.status === 'failed' ? outcome.job : null;
  const pdfLabel = t('dispense.labels.downloadPdf');

  const status = state && <LabelPrintStatus kitNumber={kitNumber} kind={kind} state={state} compact={compact} />;
  const printButton =
    printed || needsReason ? (
      <Button size={size} variant="default" leftSection={compact ? undefined : <IconRepeat size="1em" aria-hidden />} onClick={() => setReprinting(true)} disabled={state === null} style={keep} data-testid={`label-reprint-${testId}`}>
        {t('dispense.labels.reprint')}
      </Button>
    ) : (
      <Button size={size} leftSection={compact ? undefined : <IconPrinter size="1em" aria-hidden />} onClick={() => void print()} loading={busy === 'printer'} disabled={state === null || busy !== null} style={keep} data-testid={`label-send-${testId}`}>
        {t('dispense.labels.sendToPrinter')}
      </Button>
    );
  const pdfButton = compact ? (
    <Tooltip label={pdfLabel}>
      <ActionIcon size="md" variant="light" aria-label={pdfLabel} onClick={() => void download()} loading={busy === 'pdf'} disabled={state === null || busy !== null} style={keep} data-testid={`label-download-${testId}`}>
        <IconFileTypePdf size="1.1em" aria-hidden />
      </ActionIcon>
    </Tooltip>
  ) : (
    <Button size={size} variant="light" leftSection={<IconFileTypePdf size="1em" aria-hidden />} onClick={() => void download()} loading={busy === 'pdf'} disabled={state === null || busy !== null} data-testid={`label-download-${testId}`}>
      {pdfLabel}
    </Button>
  );
  const buttons = (
    <>
      {printButton}
      {pdfButton}
    </>
  );

  return (
    <Stack gap={6} align="flex-start" data-testid={`label-actions-${testId}`}>
      {compact ? (
        <Stack gap={4} align="flex-start" style={{ minWidth: 'max-content' }}>
          {status}
          <Group gap={6} wrap="nowrap" style={{ minWidth: 'max-content' }}>
            {buttons}
          </Group>
        </Stack>
      ) : (
        <Group gap="sm" wrap="wrap" align="center">
          {status}
          {buttons}
        </Group>
      )}
      {!needsReason && <TranslatedErrorAlert error={action.error} translate={translateServerMessage} testId={`label-error-${testId}`} />}
      {!compact && outcome?.kind === 'pdf' && (
        <Text size="sm" c="dimmed" data-testid={`label-downloaded-${testId}`}>
          {t('dispense.labels.downloaded', { file: outcome.fileName })}
        </Text>
      )}
      {!compact && outcome?.kind === 'printer' && outcome.job.status !== 'failed' && (
        <Text size="sm" c="teal.9" fw={600} data-testid={`label-sent-${testId}`} data-status={outcome.job.status}>
          {t(outcome.job.status === 'printed' ? 'dispense.labels.sent' : 'dispense.labels.queued', { printer: outcome.job.printer ?? '' })}
        </Text>
      )}
      {failedJob && (
        <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} p="xs" data-testid={`label-job-failed-${testId}`}>
          <Stack gap={6} align="flex-start">
            <Text size="sm">{t('dispense.labels.jobFailed', { error: failedJob.error ?? '' })}</Text>
            <Button size="compact-sm" variant="default" leftSection={<IconRefresh size="1em" aria-hidden />} onClick={() => void retry(failedJob)} loading={busy === 'printer'}>
              {t('dispense.labels.retry')}
            </Button>
          </Stack>
        </Alert>
      )}
      {reprinting && (
        <ReprintModal
          kitNumber={kitNumber}
          kind={kind}
          prints={state?.prints ?? 0}
          onClose={() => setReprinting(false)}
          onDone={(done) => {
            setReprinting(false);
            action.clear();
            setOutcome(done);
            onPrinted();
          }}
        />
      )}
    </Stack>
  );
}

/**
 * The reason for a reprint, then the reprint on the label printer. The reason is validated by devices.printLabel's
 * schema before the call (labelForms.ts); the host refuses a reprint without a reason too.
 */
function ReprintModal({ kitNumber, kind, prints, onClose, onDone }: { kitNumber: string; kind: LabelKind; prints: number; onClose: () => void; onDone: (outcome: Outcome) => void }) {
  const { t } = useTranslation();
  const form = useForm<Reprint>({ initialValues: { reprintReason: '' }, validate: validateReprint });
  const action = useVeilAction();
  const issue = reasonIssue(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const result = await action.run(() => printLabel(kitNumber, kind, form.values.reprintReason.trim()));
    if (result.ok) onDone(result.value);
  }

  const fieldError = translatedError(form.errors, REASON_FIELD, reprintMessage, t) ?? (issue ? translateServerMessage(issue, t) : undefined);

  return (
    <Modal opened onClose={onClose} title={t('dispense.labels.reprintTitle', { label: t(`dispense.labels.kindLower.${kind}`), kit: kitNumber })} size={680} data-testid="reprint-modal">
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="reprint-form">
        <Stack gap="md">
          <Text>{t('dispense.labels.reprintExplanation', { count: prints })}</Text>
          <Textarea
            label={t('dispense.labels.reprintReason')}
            placeholder={t('dispense.labels.reprintPlaceholder')}
            value={form.values.reprintReason}
            onChange={(e) => {
              form.setFieldValue(REASON_FIELD, e.currentTarget.value);
              form.clearErrors();
              action.clear();
            }}
            error={fieldError}
            autosize
            minRows={2}
            size="md"
            data-autofocus
            data-testid="reprint-reason"
          />
          {!issue && <TranslatedErrorAlert error={action.error} translate={translateServerMessage} testId="reprint-error" />}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" leftSection={<IconPrinter size="1em" aria-hidden />} loading={action.busy} disabled={action.busy} data-testid="reprint-submit">
              {t('dispense.labels.reprintSend')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
