import { ActionIcon, Alert, Badge, Button, Card, Group, Loader, Paper, PasswordInput, SimpleGrid, Stack, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCalendarExclamation, IconCheck, IconClockExclamation, IconKeyboard, IconPackageOff, IconScan, IconSignature, IconX } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { memo, useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { translatedError } from '../common/contractForm';
import { formatDate, formatWindow } from '../common/dates';
import { KitNumberBadge } from '../common/KitNumberBadge';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { ScanVerdict, type VerdictTone } from '../common/scan/ScanVerdict';
import { playScanSound, type ScanSound } from '../common/scan/scanSounds';
import { SignatureDialog } from '../common/SignatureDialog';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { DispensedPanel } from './DispensedPanel';
import { dispenseExtrasMessage, dispenseExtrasValidate, type DispenseExtras } from './dispenseForms';
import { saidText, translateServerMessage, type ServerText } from '../i18n/serverMessages';
import type { Dispensed, Refusal, VisitPlan } from './types';
import { WindowBadge } from './WindowBadge';
import { useVisitName } from '../common/visitNames';

interface ScannedKit {
  kitNumber: string;
  source: ScanSourceValue;
}

type Words = (t: TFunction) => string;

interface Verdict {
  tone: VerdictTone;
  /** Said in the language of the moment it is read: kept as words to render, not as rendered text. */
  headline: Words;
  code: string | null;
  /** The code names no kit: shown masked, never in full (it may be a password scanned by mistake). */
  unknownCode: boolean;
  message: Words;
  reason: Refusal | null;
  alternatives: string[];
  /** The printed name of the alternatives' kit type (a study with kit types), said in the heading above them. */
  alternativesKitType?: string | null;
  detail: string | null;
  source: ScanSourceValue;
  sound: ScanSound;
  serial: number;
}

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="sm" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz="lg" fw={600} component="div">
        {children}
      </Text>
    </Stack>
  );
}

/**
 * An autosizing text area rendered again only when its own props change: autosize measures the field (a forced style
 * computation) on every render, and the dispense screen renders on every scan.
 */
const AutosizeTextarea = memo(Textarea);

/** A kit scanned for this dispensing, with its source and a button to take it off: drawn again only when it changes. */
const ScannedKitRow = memo(function ScannedKitRow({ kit, onRemove }: { kit: ScannedKit; onRemove: (kitNumber: string) => void }) {
  const { t } = useTranslation();
  return (
    <Group gap="md" wrap="nowrap" data-testid={`scanned-${kit.kitNumber}`}>
      <IconCheck size="1.4em" aria-hidden color="var(--mantine-color-teal-8)" />
      <Text ff="monospace" fz={24} fw={800}>
        {kit.kitNumber}
      </Text>
      <Text>{t('dispense.scanned.matches')}</Text>
      <Badge variant="outline" color="gray.7" leftSection={kit.source === 'manual' ? <IconKeyboard size="1em" aria-hidden /> : <IconScan size="1em" aria-hidden />} data-source={kit.source}>
        {t(`dispense.source.${kit.source}`)}
      </Badge>
      <Tooltip label={t('dispense.scanned.remove', { kit: kit.kitNumber })}>
        <ActionIcon variant="subtle" color="gray" size="lg" aria-label={t('dispense.scanned.remove', { kit: kit.kitNumber })} onClick={() => onRemove(kit.kitNumber)} data-testid={`unscan-${kit.kitNumber}`}>
          <IconX size="1.2em" aria-hidden />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
});

/**
 * The visit's plan: kits needed, due date, window, the previous dispensing and the kits suggested. It changes with the
 * plan only, so a scan (which changes the verdict, the scanned kits and the field's label) does not draw it again. On
 * the demo in Chromium, the time from the host's answer to the verdict went from 26 ms to 19 to 22 ms (median of 35
 * scans; the rest is mostly the verdict's own panel).
 */
const PlanCard = memo(function PlanCard({ plan, typed }: { plan: VisitPlan; typed: boolean }) {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  return (
    <Card withBorder radius="md" padding="lg" data-testid="dispense-plan">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={2}>
            <Title order={2} fz="h3">
              {t('dispense.plan.title', { visit: visitName(plan.visit), screening: plan.screeningNumber })}
            </Title>
            <Text c="dimmed">{t('dispense.plan.randomization', { number: plan.randomizationNumber })}</Text>
          </Stack>
          <WindowBadge window={plan.window} />
        </Group>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
          <Fact label={t('dispense.plan.kitsNeeded')} testId="plan-kits-needed">
            <Text span fz={36} fw={800}>
              {plan.kitsNeeded}
            </Text>
            {typed && (
              <Text size="sm" c="dimmed" data-testid="plan-kits-by-type">
                {plan.kitsByType.map((k) => t('dispense.plan.ofType', { count: k.count, type: k.typeName })).join(' · ')}
              </Text>
            )}
          </Fact>
          <Fact label={t('dispense.plan.due')} testId="plan-due">
            {formatDate(plan.visit.due, i18n.language)}
          </Fact>
          <Fact label={t('dispense.plan.window')}>{formatWindow(plan.visit.opens, plan.visit.closes, i18n.language)}</Fact>
          <Fact label={t('dispense.plan.today')}>{formatDate(plan.today, i18n.language)}</Fact>
          <Fact label={t('dispense.plan.previous')} testId="plan-previous">
            {plan.previousDispensing
              ? t('dispense.plan.previousValue', {
                  visit: visitName({ code: plan.previousDispensing.visitCode, name: plan.previousDispensing.visitName }),
                  date: formatDate(plan.previousDispensing.dispensedOn, i18n.language),
                  ago: t('dispense.plan.ago', { count: plan.previousDispensing.daysAgo }),
                })
              : t('dispense.plan.previousNone')}
          </Fact>
        </SimpleGrid>
        <Stack gap={6}>
          <Text fw={600}>{t('dispense.plan.suggested')}</Text>
          {plan.suggestions.length > 0 ? (
            <Group gap="lg" data-testid="plan-suggestions">
              {/* A study with kit types: each type's kits under its printed name (bottle A, bottle B). */}
              {plan.kitsByType.map((ofType) => (
                <Group key={ofType.type ?? ''} gap="sm" data-testid={ofType.type ? `plan-suggestions-${ofType.type}` : undefined}>
                  {typed && (
                    <Text fw={600} size="sm">
                      {ofType.typeName}
                    </Text>
                  )}
                  {ofType.suggestions.map((k) => (
                    <KitNumberBadge key={k} kitNumber={k} variant="outline" color="indigo" testId={`suggested-${k}`} />
                  ))}
                </Group>
              ))}
            </Group>
          ) : null}
          <Text size="sm" c="dimmed">
            {t('dispense.plan.suggestedHint')}
          </Text>
          {plan.shortage && (
            <Alert color="red" variant="light" icon={<IconPackageOff aria-hidden />} title={t('dispense.plan.shortageTitle')} data-testid="plan-shortage">
              {t('dispense.plan.shortage', { count: plan.kitsNeeded })}
            </Alert>
          )}
        </Stack>
      </Stack>
    </Card>
  );
});

/**
 * Dispensing one visit to one patient, by scan. The system does the match and answers only "matches this patient's
 * allocation" or a refusal with its reason and valid alternatives; the arm is never on the screen, so nobody looking
 * over the pharmacist's shoulder learns it. Outside the visit window a reason is asked (no hard stop); the
 * dispensing is confirmed under an electronic signature.
 */
export function VisitDispensing({
  patientId,
  visitCode,
  onDispensed,
  onNextVisit,
  onOtherPatient,
  onUndone,
}: {
  patientId: number;
  visitCode: string;
  onDispensed: () => void;
  onNextVisit: () => void;
  onOtherPatient: () => void;
  onUndone: (kits: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const visitName = useVisitName();
  const [plan, setPlan] = useState<VisitPlan | null>(null);
  const [scanned, setScanned] = useState<ScannedKit[]>([]);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [checking, setChecking] = useState(false);
  // The out-of-window reason and the second signer, validated by dispensing.confirm's schema (dispenseForms.ts).
  const form = useForm<DispenseExtras>({ initialValues: { outOfWindowReason: '', secondSignature: { username: '', password: '' } } });
  const reason = form.values.outOfWindowReason;
  const second = form.values.secondSignature;
  const reasonError = translatedError(form.errors, 'outOfWindowReason', dispenseExtrasMessage, t) ?? null;
  const secondError = (translatedError(form.errors, 'secondSignature.username', dispenseExtrasMessage, t) ?? translatedError(form.errors, 'secondSignature.password', dispenseExtrasMessage, t)) ?? null;
  const secondInput = useRef<HTMLInputElement>(null);
  const [signing, setSigning] = useState(false);
  const [dispensed, setDispensed] = useState<Dispensed | null>(null);
  const load = useVeilAction();
  const { run } = load;
  const queue = useRef<Promise<void>>(Promise.resolve());
  const scannedRef = useRef<ScannedKit[]>([]);
  const serial = useRef(0);
  const reasonInput = useRef<HTMLTextAreaElement>(null);
  // The reason's handler stays the same function across renders (the form's own setters do not), so the memoized
  // field below is not rendered again, and measured again, on every scan.
  const formNow = useRef(form);
  useEffect(() => {
    formNow.current = form;
  });
  const onReasonChange = useCallback((event: ChangeEvent<HTMLTextAreaElement>) => {
    formNow.current.setFieldValue('outOfWindowReason', event.currentTarget.value);
    formNow.current.clearFieldError('outOfWindowReason');
  }, []);

  useEffect(() => {
    void (async () => {
      const result = await run(() => client.dispensing.plan({ patientId, visitCode }));
      if (result.ok) setPlan(result.value);
    })();
  }, [run, patientId, visitCode]);

  const setScannedKits = useCallback((kits: ScannedKit[]) => {
    scannedRef.current = kits;
    setScanned(kits);
  }, []);
  const unscan = useCallback((kitNumber: string) => setScannedKits(scannedRef.current.filter((s) => s.kitNumber !== kitNumber)), [setScannedKits]);

  const show = useCallback((v: Omit<Verdict, 'serial'>) => {
    playScanSound(v.sound);
    serial.current += 1;
    setVerdict({ ...v, serial: serial.current });
  }, []);

  const checkOne = useCallback(
    async (code: string, source: ScanSourceValue) => {
      setChecking(true);
      try {
        const already = scannedRef.current.map((k) => k.kitNumber);
        const answer = await client.dispensing.checkKit({ patientId, visitCode, code, alreadyScanned: already, source });
        if (answer.ok) {
          setScannedKits([...scannedRef.current, { kitNumber: answer.kitNumber, source }]);
          show({
            tone: 'accepted',
            headline: (tr) => tr('dispense.verdict.ok'),
            code: answer.kitNumber,
            unknownCode: false,
            message: (tr) => saidText(answer, tr) ?? answer.message,
            reason: null,
            alternatives: [],
            detail: answer.pack && answer.pack.check === 'matches' ? answer.pack.detail : null,
            source,
            sound: 'success',
          });
        } else if (answer.reason === 'already_scanned') {
          // The kit is fine and already on this dispensing: nothing wrong, nothing to do (issue 11). The screen, not
          // the core, decides how this sounds.
          show({
            tone: 'notice',
            headline: (tr) => tr('dispense.verdict.alreadyScanned'),
            code: answer.kitNumber,
            unknownCode: false,
            message: (tr) => tr('dispense.verdict.alreadyScannedMessage', { kit: answer.kitNumber }),
            reason: null,
            alternatives: [],
            detail: null,
            source,
            sound: 'notice',
          });
        } else {
          const unknownCode = answer.reason === 'unknown_kit';
          show({
            tone: 'refused',
            headline: (tr) => tr('dispense.verdict.refused'),
            code: answer.kitNumber,
            unknownCode,
            // The host's words repeat the code: an unknown one is said without it.
            message: (tr) => (unknownCode ? tr('dispense.messages.unknownCode') : (saidText(answer, tr) ?? answer.message)),
            reason: answer.reason,
            alternatives: answer.alternatives,
            alternativesKitType: answer.alternativesKitType,
            detail: null,
            source,
            sound: 'refusal',
          });
        }
      } catch (caught) {
        const said: ServerText = caught instanceof VeilError ? caught : String(caught);
        show({ tone: 'refused', headline: (tr) => tr('dispense.verdict.refused'), code, unknownCode: true, message: (tr) => translateServerMessage(said, tr), reason: null, alternatives: [], detail: null, source, sound: 'refusal' });
      } finally {
        setChecking(false);
      }
    },
    [patientId, visitCode, setScannedKits, show, t],
  );

  const onScan = useCallback(
    (code: string, source: ScanSourceValue) => {
      if (signing) {
        // A scan while the signature dialog is open is not added behind the signer's back.
        show({ tone: 'warning', headline: (tr) => tr('dispense.verdict.wait'), code, unknownCode: true, message: (tr) => tr('dispense.scan.whileSigning'), reason: null, alternatives: [], detail: null, source, sound: 'refusal' });
        return;
      }
      queue.current = queue.current.then(() => checkOne(code, source));
    },
    [checkOne, signing, show, t],
  );

  if (!plan) {
    return (
      <Stack data-testid="visit-dispensing-loading">
        <TranslatedErrorAlert error={load.error} translate={translateServerMessage} testId="plan-error" />
        {!load.error && <Loader />}
      </Stack>
    );
  }

  if (dispensed) {
    return <DispensedPanel plan={plan} dispensed={dispensed} outOfWindowReason={plan.window.position === 'in_window' ? null : reason.trim()} onNextVisit={onNextVisit} onOtherPatient={onOtherPatient} onUndone={onUndone} />;
  }

  const outside = plan.window.position !== 'in_window';
  const complete = scanned.length === plan.kitsNeeded;
  // A study with kit types (a double-dummy design): the visit's kits are counted and suggested per type.
  const typed = plan.kitsByType.some((k) => k.typeName !== null);

  const shortInterval = plan.interval.short && plan.previousDispensing ? plan.previousDispensing : null;
  const intervalRefused = shortInterval !== null && plan.interval.policy === 'refuse';
  const needsSecond = shortInterval !== null && plan.interval.policy === 'second_signature';

  function startConfirm() {
    const errors = dispenseExtrasValidate(outside, needsSecond)(form.values);
    // One refusal at a time, the reason's first, as the screen reads from top to bottom.
    if (errors.outOfWindowReason) {
      form.setErrors({ outOfWindowReason: errors.outOfWindowReason });
      reasonInput.current?.focus();
      return;
    }
    const secondIssue = errors['secondSignature.username'] ?? errors['secondSignature.password'];
    if (secondIssue) {
      form.setErrors({ 'secondSignature.username': secondIssue });
      secondInput.current?.focus();
      return;
    }
    form.clearErrors();
    setSigning(true);
  }

  return (
    <Stack gap="lg" data-testid="visit-dispensing" data-visit={plan.visit.code} data-screening={plan.screeningNumber} data-randomization={plan.randomizationNumber}>
      <PlanCard plan={plan} typed={typed} />

      <Paper withBorder p="lg" radius="md">
        <Stack gap="md">
          <ScanField
            label={complete ? t('dispense.scan.labelDone') : t('dispense.scan.label', { count: plan.kitsNeeded - scanned.length })}
            description={complete ? t('dispense.scan.hintDone') : t('dispense.scan.hint')}
            placeholder={t('dispense.scan.placeholder')}
            onScan={onScan}
            busy={checking}
            testId="dispense-scan"
            onEnterEmpty={complete ? startConfirm : undefined}
          />
          {verdict ? (
            <ScanVerdict
              key={verdict.serial}
              tone={verdict.tone}
              headline={verdict.headline(t)}
              code={verdict.code}
              unknownCode={verdict.unknownCode}
              message={verdict.message(t)}
              source={{ value: verdict.source, label: t(`dispense.source.${verdict.source}`) }}
              sound={verdict.sound}
              testId="dispense-verdict"
            >
              {verdict.reason && (
                <Text fz="lg" data-testid="dispense-verdict-reason" data-reason={verdict.reason}>
                  <Text span fw={700}>
                    {t('dispense.verdict.reasonLabel')}
                  </Text>{' '}
                  {t(`dispense.reason.${verdict.reason}`)}
                </Text>
              )}
              {verdict.detail && <Text fz="lg">{verdict.detail}</Text>}
              {verdict.tone === 'refused' && (
                <Stack gap={4} data-testid="dispense-alternatives">
                  <Text fw={700}>
                    {verdict.alternatives.length === 0
                      ? t('dispense.verdict.noAlternatives')
                      : verdict.alternativesKitType
                        ? t('dispense.verdict.alternativesOfType', { type: verdict.alternativesKitType })
                        : t('dispense.verdict.alternatives')}
                  </Text>
                  {verdict.alternatives.length > 0 && (
                    <Group gap="sm">
                      {verdict.alternatives.map((k) => (
                        <KitNumberBadge key={k} kitNumber={k} variant="filled" color="dark.5" testId={`alternative-${k}`} />
                      ))}
                    </Group>
                  )}
                </Stack>
              )}
            </ScanVerdict>
          ) : (
            <Text c="dimmed" fz="lg" data-testid="dispense-verdict-empty">
              {t('dispense.scan.waiting')}
            </Text>
          )}
        </Stack>
      </Paper>

      {outside && (
        <Paper withBorder p="lg" radius="md" style={{ borderWidth: 3, borderColor: 'var(--mantine-color-orange-7)' }} data-testid="out-of-window">
          <Stack gap="sm">
            <Group gap="sm" wrap="nowrap">
              <IconClockExclamation size="2em" aria-hidden />
              <Text fz="xl" fw={700}>
                {plan.window.position === 'early'
                  ? t('dispense.outside.early', { count: plan.window.days, opens: formatDate(plan.visit.opens, i18n.language) })
                  : t('dispense.outside.late', { count: plan.window.position === 'late' ? plan.window.days : 0, closes: formatDate(plan.visit.closes, i18n.language) })}
              </Text>
            </Group>
            <Text>{t('dispense.outside.explanation')}</Text>
            <AutosizeTextarea
              ref={reasonInput}
              label={t('dispense.outside.reason')}
              placeholder={t('dispense.outside.reasonPlaceholder')}
              value={reason}
              onChange={onReasonChange}
              error={reasonError}
              autosize
              minRows={2}
              size="md"
              data-testid="out-of-window-reason"
            />
          </Stack>
        </Paper>
      )}

      {shortInterval && (
        <Paper withBorder p="lg" radius="md" style={{ borderWidth: 3, borderColor: 'var(--mantine-color-red-7)' }} data-testid="interval-short" data-policy={plan.interval.policy}>
          <Stack gap="sm">
            <Group gap="sm" wrap="nowrap">
              <IconCalendarExclamation size="2em" aria-hidden />
              <Text fz="xl" fw={700}>
                {t('dispense.interval.title', { count: shortInterval.daysAgo })}
              </Text>
            </Group>
            <Text>
              {t(intervalRefused ? 'dispense.interval.refuse' : 'dispense.interval.secondSignature', {
                previous: visitName({ code: shortInterval.visitCode, name: shortInterval.visitName }),
                date: formatDate(shortInterval.dispensedOn, i18n.language),
                minimum: plan.interval.minimumDays,
              })}
            </Text>
            {needsSecond && (
              // The second person's username and password are theirs alone: never taken for a scanner burst, also while
              // the password is shown (Mantine makes it type=text then; keyboardWedge.ts isScanOffLimits).
              <Group grow align="flex-start" data-scan-off="">
                <TextInput
                  ref={secondInput}
                  label={t('dispense.interval.username')}
                  value={second.username}
                  autoComplete="off"
                  onChange={(e) => {
                    const username = e.currentTarget.value;
                    form.setFieldValue('secondSignature.username', username);
                    form.clearFieldError('secondSignature.username');
                  }}
                  error={secondError}
                  size="md"
                  data-testid="second-signer-username"
                />
                <PasswordInput
                  label={t('dispense.interval.password')}
                  value={second.password}
                  autoComplete="off"
                  onChange={(e) => {
                    const password = e.currentTarget.value;
                    form.setFieldValue('secondSignature.password', password);
                    form.clearFieldError('secondSignature.username');
                  }}
                  size="md"
                  data-testid="second-signer-password"
                />
              </Group>
            )}
          </Stack>
        </Paper>
      )}

      <Paper withBorder p="lg" radius="md" data-testid="scanned-kits" data-count={scanned.length}>
        <Stack gap="sm">
          <Text fz="lg" fw={700}>
            {t('dispense.scanned.title', { scanned: scanned.length, needed: plan.kitsNeeded })}
          </Text>
          {scanned.length === 0 ? (
            <Text c="dimmed">{t('dispense.scanned.none')}</Text>
          ) : (
            scanned.map((k) => <ScannedKitRow key={k.kitNumber} kit={k} onRemove={unscan} />)
          )}
          <Group justify="space-between" mt="sm" wrap="wrap">
            <Text c={complete ? undefined : 'dimmed'}>
              {complete ? (outside ? t('dispense.confirm.readyOutside') : t('dispense.confirm.ready')) : t('dispense.confirm.notReady', { count: plan.kitsNeeded - scanned.length })}
            </Text>
            <Button size="lg" leftSection={<IconSignature size="1.2em" aria-hidden />} disabled={!complete || intervalRefused} onClick={startConfirm} data-testid="dispense-confirm">
              {t('dispense.confirm.button')}
            </Button>
          </Group>
        </Stack>
      </Paper>

      {signing && (
        <SignatureDialog
          opened
          channel="dispensing.confirm"
          title={t('dispense.confirm.title', { visit: visitName(plan.visit), screening: plan.screeningNumber })}
          submitLabel={t('dispense.confirm.sign')}
          onSign={(signature) =>
            client.dispensing.confirm({
              patientId,
              visitCode,
              kits: scanned.map((k) => ({ kitNumber: k.kitNumber, source: k.source })),
              ...(outside ? { outOfWindowReason: reason.trim() } : {}),
              ...(needsSecond ? { secondSignature: { username: second.username.trim(), password: second.password } } : {}),
              signature,
            })
          }
          onSigned={(answer) => {
            setSigning(false);
            form.setFieldValue('secondSignature', { username: '', password: '' });
            setDispensed(answer);
            onDispensed();
          }}
          onClose={() => setSigning(false)}
        >
          <Stack gap={6} data-testid="confirm-summary">
            <Text fz="lg">{t('dispense.confirm.what', { screening: plan.screeningNumber, number: plan.randomizationNumber, visit: visitName(plan.visit) })}</Text>
            <Group gap="sm">
              {scanned.map((k) => (
                <KitNumberBadge key={k.kitNumber} kitNumber={k.kitNumber} variant="light" />
              ))}
            </Group>
            {outside && (
              <Group gap={6} wrap="nowrap" align="flex-start">
                <IconAlertTriangle size="1.2em" aria-hidden style={{ flexShrink: 0 }} />
                <Text data-testid="confirm-outside-reason">{t('dispense.confirm.outsideReason', { reason: reason.trim() })}</Text>
              </Group>
            )}
          </Stack>
        </SignatureDialog>
      )}
    </Stack>
  );
}
