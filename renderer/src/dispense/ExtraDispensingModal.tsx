import { Alert, Badge, Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCheck, IconSignature, IconX } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, type ChannelInput, type ChannelOutput } from '../../../shared/contract';
import { contractValidate, translatedError, withWording } from '../common/contractForm';
import { ErrorAlert } from '../common/ErrorAlert';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { useSignedAction } from '../common/SignatureDialog';
import { useVeilAction } from '../common/useVeilAction';
import { saidText, translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

type Request = ChannelInput<'extraDispensing.plan'>['request'];
type Plan = ChannelOutput<'extraDispensing.plan'>;
type Verdict = ChannelOutput<'extraDispensing.checkKit'>;
export type ExtraDone = ChannelOutput<'extraDispensing.confirm'>;

/** extraDispensing.confirm's reason rule (at least 3 characters once trimmed). */
const REASON = contract.extraDispensing.confirm.input.pick({ reason: true });

/**
 * A replacement kit (for one the patient lost or damaged) or an unscheduled dispensing, for the unblinded pharmacist:
 * the kits Veil suggests, each scanned kit judged as at a visit (valid for this patient or refused, never why in arm
 * terms), the reason, then the e-signature. The kits given keep their labels' queue like any dispensing.
 */
export function ExtraDispensingModal({ request: initial, onDone, onClose }: { request: Request; onDone: (done: ExtraDone) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [request, setRequest] = useState<Request>(initial);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [scanned, setScanned] = useState<Array<{ kitNumber: string; source: ScanSourceValue }>>([]);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const planning = useVeilAction();
  const checking = useVeilAction();
  const signer = useSignedAction();
  const form = useForm({ initialValues: { reason: '' }, validate: contractValidate<{ reason: string }>(REASON) });
  const message = withWording(translateServerMessage, { 'validation.giveReason': (tr) => tr('dispense.extra.reasonNeeded') });
  const { run: runPlan } = planning;

  useEffect(() => {
    setScanned([]);
    setVerdict(null);
    void runPlan(() => client.extraDispensing.plan({ request })).then((r) => setPlan(r.ok ? r.value : null));
  }, [request, runPlan]);

  const onScan = useCallback(
    (code: string, source: ScanSourceValue) => {
      if (!plan || scanned.length >= plan.kitsNeeded) return;
      void checking.run(() => client.extraDispensing.checkKit({ request, code, alreadyScanned: scanned.map((s) => s.kitNumber), source })).then((r) => {
        if (!r.ok) return;
        setVerdict(r.value);
        if (r.value.ok) setScanned((s) => [...s, { kitNumber: r.value.kitNumber, source }]);
      });
    },
    [plan, scanned, request, checking],
  );

  async function sign() {
    if (form.validate().hasErrors) return;
    const reason = form.values.reason.trim();
    const answer = await signer.sign('extraDispensing.confirm', (signature) => client.extraDispensing.confirm({ request, kits: scanned, reason, signature }), {
      summary: (
        <Stack gap={4} data-testid="extra-signature-summary">
          <Text fw={600}>{plan ? whatText(plan) : ''}</Text>
          <Text ff="monospace" fw={700}>
            {scanned.map((s) => s.kitNumber).join(', ')}
          </Text>
          <Text>
            <Text span fw={700}>
              {t('dispense.extra.reason')}:
            </Text>{' '}
            {reason}
          </Text>
        </Stack>
      ),
    });
    if (answer) onDone(answer);
  }

  function whatText(p: Plan) {
    return p.kind === 'replacement'
      ? t('dispense.extra.replacementWhat', { kit: p.replacedKit ?? '', screening: p.screeningNumber, code: p.visitCode })
      : t('dispense.extra.unscheduledWhat', { count: p.kitsNeeded, screening: p.screeningNumber, code: p.visitCode });
  }

  const complete = plan !== null && scanned.length === plan.kitsNeeded;
  return (
    <Modal opened onClose={onClose} size="lg" title={request.kind === 'replacement' ? t('dispense.extra.replacementTitle') : t('dispense.extra.unscheduledTitle')}>
      <Stack gap="md" data-testid="extra-dispensing">
        {request.kind === 'unscheduled' && (
          <NumberInput
            label={t('dispense.extra.count')}
            min={1}
            max={10}
            value={request.count}
            onChange={(value) => typeof value === 'number' && value >= 1 && value <= 10 && setRequest({ ...request, count: value })}
            data-testid="extra-count"
          />
        )}
        <ErrorAlert error={planning.error} testId="extra-plan-error" />
        {plan && (
          <>
            <Text fw={600} data-testid="extra-what" data-code={plan.visitCode}>
              {whatText(plan)}
            </Text>
            {plan.suggestions.length > 0 ? (
              <Group gap="xs" data-testid="extra-suggestions">
                <Text size="sm" c="dimmed">
                  {t('dispense.extra.suggested')}
                </Text>
                {plan.suggestions.map((k) => (
                  <Badge key={k} size="lg" variant="light" color="gray" radius="sm" ff="monospace" data-testid={`extra-suggestion-${k}`}>
                    {k}
                  </Badge>
                ))}
              </Group>
            ) : (
              <Alert color="orange" icon={<IconAlertTriangle aria-hidden />} data-testid="extra-shortage">
                {t('dispense.extra.shortage')}
              </Alert>
            )}
            {!complete && (
              <ScanField label={t('dispense.extra.scanLabel', { count: plan.kitsNeeded - scanned.length })} onScan={onScan} busy={checking.busy} testId="extra-scan" />
            )}
            <ErrorAlert error={checking.error} testId="extra-check-error" />
            {verdict && (
              <Alert color={verdict.ok ? 'teal' : 'red'} icon={verdict.ok ? <IconCheck aria-hidden /> : <IconX aria-hidden />} data-testid="extra-verdict" data-ok={verdict.ok}>
                {saidText(verdict, t) ?? verdict.message}
              </Alert>
            )}
            {scanned.length > 0 && (
              <Group gap="xs" data-testid="extra-scanned">
                {scanned.map((s) => (
                  <Badge key={s.kitNumber} size="xl" color="teal" variant="light" radius="sm" ff="monospace">
                    {s.kitNumber}
                  </Badge>
                ))}
              </Group>
            )}
            {complete && (
              <Textarea
                label={t('dispense.extra.reason')}
                description={t('dispense.extra.reasonHint')}
                autosize
                minRows={2}
                value={form.values.reason}
                onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
                error={translatedError(form.errors, 'reason', message, t)}
                data-testid="extra-reason"
              />
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button disabled={!complete} leftSection={<IconSignature size="1.1em" aria-hidden />} onClick={() => void sign()} data-testid="extra-sign">
            {t('dispense.extra.continueToSign')}
          </Button>
        </Group>
      </Stack>
      {signer.dialog}
    </Modal>
  );
}
