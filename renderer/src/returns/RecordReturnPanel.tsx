import { Badge, Button, Group, NumberInput, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconArrowBackUp, IconKeyboard, IconScan, IconX } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useCallback, useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { kitCodeOf } from '../common/scan/kitCode';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { ScanVerdict, type VerdictTone } from '../common/scan/ScanVerdict';
import { playScanSound, type ScanSound } from '../common/scan/scanSounds';
import { translatedError } from '../common/contractForm';
import { formatDateTime } from '../common/format';
import { client } from '../transport/client';
import { CONDITION_LOOK } from './ConditionBadge';
import { returnFormMessage, validateReturn, type ReturnRecord } from './returnForms';
import { returnsMessage } from './returnsMessages';
import { RETURN_CONDITIONS, type ReturnCondition, type ReturnRow } from './types';

type Words = (t: TFunction) => string;

interface Verdict {
  tone: VerdictTone;
  headline: Words;
  code: string | null;
  /** The code names no kit: shown masked, never in full. */
  unknownCode?: boolean;
  message: Words;
  source: ScanSourceValue;
  sound: ScanSound;
  serial: number;
}

interface Pending {
  /** What was scanned or typed, sent as is (the host resolves kit labels and GS1 pack codes with a serial). */
  code: string;
  /** The kit number when the code is a plain kit number. */
  kitNumber: string | null;
  source: ScanSourceValue;
  /** Who the kit went out to, at which visit (from the host's lookup, blinded facts only). */
  owner: { screeningNumber: string; visitCode: string; dispensedAt: string };
}

/**
 * Taking a return at the desk: the kit is scanned (or typed), then its condition, the units that came back and a note
 * (needed for a missing kit) are recorded. Each return gets a large verdict and a sound. Returns never go back to
 * dispensable stock (the host makes them "returned" or "lost"). The form is validated by returns.record's schema and
 * the condition's rules before the call (returnForms.ts).
 */
export function RecordReturnPanel({ existing, onRecorded }: { existing: ReturnRow[] | null; onRecorded: () => void }) {
  const { t, i18n } = useTranslation();
  const [pending, setPending] = useState<Pending | null>(null);
  const form = useForm<ReturnRecord>({ initialValues: { condition: 'used', unitsReturned: 1, note: '' }, validate: validateReturn });
  const { condition, unitsReturned: units, note } = form.values;
  // The host's issues on the form's fields (the same contract and rules, checked again there), in the user's language.
  const [hostErrors, setHostErrors] = useState<{ unitsReturned?: string; note?: string }>({});
  const fieldError = (field: 'unitsReturned' | 'note') => translatedError(form.errors, field, returnFormMessage, t) ?? hostErrors[field];
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const serial = useRef(0);

  const show = useCallback((v: Omit<Verdict, 'serial'>) => {
    playScanSound(v.sound);
    serial.current += 1;
    setVerdict({ ...v, serial: serial.current });
  }, []);

  const onScan = useCallback(
    (raw: string, source: ScanSourceValue) => {
      const parsed = kitCodeOf(raw);
      const kitNumber = parsed.ok ? parsed.kitNumber : null;
      if (!parsed.ok && parsed.kind === 'not_a_kit') {
        setPending(null);
        show({ tone: 'refused', headline: (tr) => tr('returns.verdict.refused'), code: raw, unknownCode: true, message: (tr) => tr('returns.messages.notAKit'), source, sound: 'refusal' });
        return;
      }
      setPending(null);
      setBusy(true);
      // The host answers at once: a kit never dispensed opens no form; a dispensed one names its patient and visit.
      void client.returns
        .lookup({ code: raw })
        .then((found) => {
          if (found.verdict === 'not_dispensed') {
            show({ tone: 'refused', headline: (tr) => tr('returns.verdict.notDispensed'), code: found.kitNumber, message: (tr) => tr('returns.messages.notDispensed', { kit: found.kitNumber }), source, sound: 'refusal' });
            return;
          }
          if (found.verdict === 'already_recorded') {
            const condition = found.condition ?? existing?.find((r) => r.kitNumber === found.kitNumber)?.condition ?? 'used';
            show({
              tone: 'warning',
              headline: (tr) => tr('returns.verdict.alreadyRecorded'),
              code: found.kitNumber,
              message: (tr) => tr('returns.messages.alreadyRecordedAs', { kit: found.kitNumber, patient: found.screeningNumber, condition: tr(`returns.condition.${condition}`).toLowerCase() }),
              source,
              sound: 'refusal',
            });
            return;
          }
          setVerdict(null);
          setPending({ code: raw, kitNumber: found.kitNumber, source, owner: { screeningNumber: found.screeningNumber, visitCode: found.visitCode, dispensedAt: found.dispensedAt } });
          form.setValues({ condition: 'used', unitsReturned: 1, note: '' });
          form.clearErrors();
          setHostErrors({});
        })
        .catch((caught: unknown) => {
          const message = caught instanceof VeilError ? caught : caught instanceof Error ? caught.message : String(caught);
          show({ tone: 'refused', headline: (tr) => tr('returns.verdict.refused'), code: kitNumber ?? raw, unknownCode: kitNumber === null, message: (tr) => returnsMessage(message, tr), source, sound: 'refusal' });
        })
        .finally(() => setBusy(false));
    },
    [existing, show],
  );

  function choose(next: ReturnCondition) {
    form.setValues({ condition: next, ...(next === 'missing' ? { unitsReturned: 0 } : units === 0 || units === '' ? { unitsReturned: 1 } : {}) });
    form.clearErrors();
    setHostErrors({});
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!pending || busy) return;
    setHostErrors({});
    if (form.validate().hasErrors || typeof units !== 'number') return;
    const count = units;
    setBusy(true);
    try {
      const saved = await client.returns.record({ code: pending.code, condition, unitsReturned: count, source: pending.source, ...(note.trim() ? { note: note.trim() } : {}) });
      show({
        tone: saved.condition === 'missing' ? 'warning' : 'accepted',
        headline: (tr) => (saved.condition === 'missing' ? tr('returns.verdict.recordedMissing') : tr('returns.verdict.recorded')),
        code: saved.kitNumber,
        message: (tr) =>
          saved.condition === 'missing'
            ? tr('returns.verdict.recordedMissingMessage', { patient: saved.screeningNumber })
            : tr('returns.verdict.recordedMessage', { patient: saved.screeningNumber, condition: tr(`returns.condition.${saved.condition}`).toLowerCase(), count: saved.unitsReturned }),
        source: pending.source,
        sound: 'success',
      });
      setPending(null);
      onRecorded();
    } catch (caught) {
      const failure = caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught));
      const onField = (field: 'unitsReturned' | 'note') => failure.issues?.find((i) => i.path[0] === field);
      const unitsIssue = onField('unitsReturned');
      const noteIssue = onField('note');
      if (failure.code === 'validation' && (unitsIssue || noteIssue)) {
        setHostErrors({
          ...(unitsIssue ? { unitsReturned: returnsMessage(unitsIssue, t) } : {}),
          ...(noteIssue ? { note: returnsMessage(noteIssue, t) } : {}),
        });
      } else {
        show({ tone: 'refused', headline: (tr) => tr('returns.verdict.refused'), code: pending.kitNumber ?? pending.code, message: (tr) => returnsMessage(failure, tr), source: pending.source, sound: 'refusal' });
        setPending(null);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="record-return-panel">
      <Stack gap="md">
        <Title order={2} fz="h3">
          {t('returns.record.title')}
        </Title>
        <ScanField
          label={t('returns.record.scanLabel')}
          description={t('returns.record.scanHint')}
          placeholder={t('returns.record.scanPlaceholder')}
          onScan={onScan}
          busy={busy}
          keepFocus={pending === null}
          testId="returns-scan"
        />
        {pending && (
          <form onSubmit={submit} noValidate data-testid="return-form" data-kit={pending.kitNumber ?? pending.code}>
            <Paper withBorder p="md" radius="md" bg="gray.0">
              <Stack gap="md">
                <Group gap="md" align="baseline">
                  <Text fz={28} fw={800} ff="monospace" data-testid="return-form-kit">
                    {pending.kitNumber ?? pending.code}
                  </Text>
                  <Badge variant="outline" color="gray.7" leftSection={pending.source === 'manual' ? <IconKeyboard size="1em" aria-hidden /> : <IconScan size="1em" aria-hidden />}>
                    {t(`returns.source.${pending.source}`)}
                  </Badge>
                </Group>
                <Text fz="lg" fw={600} data-testid="return-form-patient" data-patient={pending.owner.screeningNumber} data-visit={pending.owner.visitCode}>
                  {t('returns.record.dispensedTo', { patient: pending.owner.screeningNumber, visit: pending.owner.visitCode, date: formatDateTime(pending.owner.dispensedAt, i18n.language) })}
                </Text>
                <Stack gap={6}>
                  <Text fw={600} id="return-condition-label">
                    {t('returns.record.conditionLabel')}
                  </Text>
                  <Group gap="xs" role="radiogroup" aria-labelledby="return-condition-label">
                    {RETURN_CONDITIONS.map((c) => {
                      const Icon = CONDITION_LOOK[c].icon;
                      const selected = condition === c;
                      return (
                        <Button
                          key={c}
                          size="md"
                          role="radio"
                          aria-checked={selected}
                          variant={selected ? 'filled' : 'default'}
                          color={selected ? 'indigo' : undefined}
                          leftSection={<Icon size="1.2em" aria-hidden />}
                          onClick={() => choose(c)}
                          data-testid={`return-condition-${c}`}
                          data-selected={selected ? 'true' : 'false'}
                        >
                          {t(`returns.condition.${c}`)}
                        </Button>
                      );
                    })}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {t(`returns.conditionHint.${condition}`)}
                  </Text>
                </Stack>
                <Group align="flex-start" grow>
                  <NumberInput
                    label={t('returns.record.unitsLabel')}
                    description={t('returns.record.unitsHint')}
                    value={units}
                    onChange={(v) => form.setFieldValue('unitsReturned', v)}
                    min={0}
                    max={100}
                    allowDecimal={false}
                    allowNegative={false}
                    disabled={condition === 'missing'}
                    error={fieldError('unitsReturned')}
                    size="md"
                    maw={260}
                    data-testid="return-units"
                  />
                  <Textarea
                    label={condition === 'missing' ? t('returns.record.noteRequired') : t('returns.record.noteOptional')}
                    description={t('returns.record.noteHint')}
                    value={note}
                    onChange={(e) => form.setFieldValue('note', e.currentTarget.value)}
                    withAsterisk={condition === 'missing'}
                    error={fieldError('note')}
                    autosize
                    minRows={2}
                    maxLength={500}
                    data-testid="return-note"
                  />
                </Group>
                <Group justify="flex-end">
                  <Button variant="default" leftSection={<IconX size="1.1em" aria-hidden />} onClick={() => setPending(null)} disabled={busy} data-testid="return-cancel">
                    {t('common.cancel')}
                  </Button>
                  <Button type="submit" size="md" loading={busy} leftSection={<IconArrowBackUp size="1.2em" aria-hidden />} data-testid="return-record">
                    {t('returns.record.submit')}
                  </Button>
                </Group>
              </Stack>
            </Paper>
          </form>
        )}
        {verdict ? (
          <ScanVerdict
            key={verdict.serial}
            tone={verdict.tone}
            headline={verdict.headline(t)}
            code={verdict.code}
            unknownCode={verdict.unknownCode ?? false}
            message={verdict.message(t)}
            source={{ value: verdict.source, label: t(`returns.source.${verdict.source}`) }}
            sound={verdict.sound}
            testId="return-verdict"
          />
        ) : (
          !pending && (
            <Text c="dimmed" fz="lg" data-testid="return-waiting">
              {t('returns.record.waiting')}
            </Text>
          )
        )}
      </Stack>
    </Paper>
  );
}
