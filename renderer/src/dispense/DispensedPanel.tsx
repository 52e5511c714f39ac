import { Alert, Button, Divider, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp, IconArrowRight, IconCircleCheckFilled, IconClockExclamation, IconPrinter, IconTag, IconUsers } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { formatDateTime } from '../common/format';
import { ReasonThenSignature } from '../common/ReasonThenSignature';
import { client } from '../transport/client';
import { SignedBy } from '../common/SignedBy';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { translateServerMessage } from '../i18n/serverMessages';
import { LabelCard } from '../labels/LabelCard';
import { LABEL_KINDS } from '../labels/labelTypes';
import { printVisitLabels, type VisitLabelOutcome } from './printVisitLabels';
import type { Dispensed, VisitPlan } from './types';
import { useLabelQueue } from '../labels/useLabelQueue';
import { useVisitName } from '../common/visitNames';

/** kitExceptions.dispensedInError's reason rule. */
const UNDO_REASON = contract.kitExceptions.dispensedInError.input.pick({ reason: true });

/**
 * After the signature: what was dispensed (kit numbers, patient, visit, signature), then the blinded labels of these
 * kits (carton and syringe) as they print, to print as PDF or on the label printer, and to reprint with a reason.
 */
export function DispensedPanel({
  plan,
  dispensed,
  outOfWindowReason,
  onNextVisit,
  onOtherPatient,
  onUndone,
}: {
  plan: VisitPlan;
  dispensed: Dispensed;
  outOfWindowReason: string | null;
  onNextVisit: () => void;
  onOtherPatient: () => void;
  /** The dispensing was undone (dispensed in error): its kits are in quarantine, the visit open again. */
  onUndone: (kits: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const [undoing, setUndoing] = useState(false);
  const visitName = useVisitName();
  const visit = dispensed.patient.visits.find((v) => v.code === plan.visit.code);
  const kits = visit?.dispensedKits ?? [];
  const next = dispensed.patient.visits.find((v) => v.dispensedAt === null);
  return (
    <Stack gap="lg" data-testid="dispensed" data-visit={plan.visit.code} data-screening={plan.screeningNumber}>
      <Paper withBorder p="lg" radius="md" style={{ borderWidth: 4, borderColor: 'var(--mantine-color-teal-7)', background: 'var(--mantine-color-teal-0)' }}>
        <Group align="flex-start" wrap="nowrap" gap="lg">
          <ThemeIcon size={84} radius="xl" color="teal.7" aria-hidden>
            <IconCircleCheckFilled size={64} />
          </ThemeIcon>
          <Stack gap={8} style={{ flex: 1 }}>
            <Text fz={40} fw={800} lh={1.1} c="teal.9">
              {t('dispense.done.headline')}
            </Text>
            <Text fz="xl" fw={600}>
              {t('dispense.done.what', { visit: visitName(plan.visit), screening: plan.screeningNumber, number: plan.randomizationNumber })}
            </Text>
            <Group gap="lg" data-testid="dispensed-kits">
              {kits.map((k) => (
                <Text key={k} ff="monospace" fz={32} fw={800} data-testid={`dispensed-kit-${k}`}>
                  {k}
                </Text>
              ))}
            </Group>
            {visit?.dispensedAt && <Text>{t('dispense.done.at', { time: formatDateTime(visit.dispensedAt, i18n.language) })}</Text>}
            {outOfWindowReason && (
              <Group gap={6} wrap="nowrap" align="flex-start">
                <IconClockExclamation size="1.2em" aria-hidden style={{ flexShrink: 0 }} />
                <Text data-testid="dispensed-outside-reason">{t('dispense.done.outsideReason', { reason: outOfWindowReason })}</Text>
              </Group>
            )}
            <SignedBy signature={dispensed.signature} size="md" testId="dispensed-signed-by" />
          </Stack>
        </Group>
      </Paper>

      <KitLabels kits={kits} />

      <Group gap="md">
        {next && (
          <Button size="lg" rightSection={<IconArrowRight size="1.1em" aria-hidden />} onClick={onNextVisit} data-testid="dispense-next-visit">
            {t('dispense.done.nextVisit', { visit: visitName(next) })}
          </Button>
        )}
        <Button size="lg" variant="default" leftSection={<IconUsers size="1.1em" aria-hidden />} onClick={onOtherPatient} data-testid="dispense-other-patient">
          {t('dispense.done.otherPatient')}
        </Button>
        <Button size="lg" variant="subtle" color="red.8" leftSection={<IconArrowBackUp size="1.1em" aria-hidden />} onClick={() => setUndoing(true)} data-testid="dispense-undo">
          {t('dispense.extra.undo')}
        </Button>
      </Group>
      {undoing && (
        <ReasonThenSignature
          channel="kitExceptions.dispensedInError"
          title={t('dispense.extra.undoTitle')}
          schema={UNDO_REASON}
          reasonNeeded={(tr) => tr('dispense.extra.undoReasonNeeded')}
          translate={translateServerMessage}
          label={t('dispense.extra.undoReason')}
          description={t('dispense.extra.undoReasonHint')}
          testIds={{ modal: 'undo-modal', form: 'undo-form', reason: 'undo-reason', submit: 'undo-continue', summary: 'undo-summary' }}
          submitLabel={t('dispense.extra.undoContinue')}
          signLabel={t('dispense.extra.undoSign')}
          submitColor="red.8"
          what={<Text fw={600}>{t('dispense.extra.undoWhat', { visit: visitName(plan.visit), screening: plan.screeningNumber, kits: kits.join(', ') })}</Text>}
          run={(reason, signature) => client.kitExceptions.dispensedInError({ patientId: dispensed.patient.id, visitCode: plan.visit.code, reason, signature: signature! })}
          onDone={(answer) => {
            setUndoing(false);
            onUndone(answer.kits);
          }}
          onClose={() => setUndoing(false)}
        />
      )}
    </Stack>
  );
}

/**
 * The carton and syringe labels of the kits just dispensed, each with its preview and print buttons, and one action
 * that sends every label of the visit still to print to the label printers (keyboard first: it has the focus once the
 * dispensing is signed, so Enter prints them all).
 */
function KitLabels({ kits }: { kits: readonly string[] }) {
  const { t } = useTranslation();
  const queue = useLabelQueue();
  const [printing, setPrinting] = useState(false);
  const [outcomes, setOutcomes] = useState<VisitLabelOutcome[] | null>(null);
  const printAll = useRef<HTMLButtonElement>(null);
  const pending = (queue.items ?? []).filter((i) => kits.includes(i.kitNumber) && i.prints === 0);
  const toPrint = pending.length;
  const loaded = queue.items !== null;

  useEffect(() => {
    if (loaded) printAll.current?.focus({ preventScroll: true });
  }, [loaded]);

  async function onPrintAll() {
    setPrinting(true);
    setOutcomes([]);
    await printVisitLabels(
      pending.map((i) => ({ kitNumber: i.kitNumber, kind: i.kind })),
      (outcome) => setOutcomes((o) => [...(o ?? []), outcome]),
    );
    setPrinting(false);
    await queue.reload();
  }

  const printed = outcomes?.filter((o) => o.ok && o.job.status === 'printed').length ?? 0;
  const waiting = outcomes?.filter((o) => o.ok && o.job.status !== 'printed').length ?? 0;
  const failed = outcomes?.filter((o): o is Extract<VisitLabelOutcome, { ok: false }> => !o.ok) ?? [];
  const failedJobs = outcomes?.filter((o) => o.ok && o.job.status === 'failed').length ?? 0;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="dispensed-labels" data-to-print={queue.items ? toPrint : ''}>
      <Stack gap="md">
        <Group gap="md" wrap="nowrap" align="flex-start">
          <IconTag size="2em" aria-hidden style={{ flexShrink: 0 }} />
          <Stack gap={2}>
            <Title order={3} fz="h4">
              {t('dispense.labels.title', { count: kits.length })}
            </Title>
            <Text c="dimmed">{t('dispense.labels.intro')}</Text>
          </Stack>
        </Group>
        <Group gap="md" wrap="wrap">
          <Button ref={printAll} size="lg" leftSection={<IconPrinter size="1.2em" aria-hidden />} onClick={() => void onPrintAll()} loading={printing} disabled={!loaded || toPrint === 0} data-testid="print-visit-labels">
            {toPrint === 0 && loaded ? t('dispense.labels.allPrinted') : t('dispense.labels.printAll', { count: toPrint })}
          </Button>
          {outcomes && !printing && (
            <Text fw={600} c={failed.length + failedJobs > 0 ? 'red.8' : 'teal.9'} data-testid="print-visit-labels-result" data-printed={printed} data-failed={failed.length + failedJobs}>
              {t('dispense.labels.printAllDone', { count: printed })}
              {waiting - failedJobs > 0 && ` ${t('dispense.labels.printAllWaiting', { count: waiting - failedJobs })}`}
              {failed.length + failedJobs > 0 && ` ${t('dispense.labels.printAllFailed', { count: failed.length + failedJobs })}`}
            </Text>
          )}
        </Group>
        {failed.length > 0 && (
          <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} data-testid="print-visit-labels-errors">
            <Stack gap={4}>
              {failed.map((f) => (
                <Text key={`${f.kitNumber}-${f.kind}`} size="sm">
                  {t('dispense.labels.printAllError', { label: t(`dispense.labels.kind.${f.kind}`), kit: f.kitNumber, error: translateServerMessage(f.error, t) })}
                </Text>
              ))}
            </Stack>
          </Alert>
        )}
        <TranslatedErrorAlert error={queue.error} translate={translateServerMessage} />
        {kits.map((kit, i) => (
          <Stack key={kit} gap="md" data-testid={`kit-labels-${kit}`}>
            {i > 0 && <Divider />}
            <Text ff="monospace" fz="xl" fw={800}>
              {t('dispense.labels.kit', { kit })}
            </Text>
            {LABEL_KINDS.map((kind) => (
              <LabelCard key={kind} kitNumber={kit} kind={kind} state={queue.stateOf(kit, kind)} onPrinted={() => void queue.reload()} />
            ))}
          </Stack>
        ))}
      </Stack>
    </Paper>
  );
}
