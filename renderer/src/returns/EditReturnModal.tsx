import { Alert, Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconEdit, IconInfoCircle } from '@tabler/icons-react';
import { useForm } from '@mantine/form';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { contractValidate, translatedError, withWording } from '../common/contractForm';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { CONDITION_LOOK } from './ConditionBadge';
import { returnsMessage } from './returnsMessages';
import { RETURN_CONDITIONS, type ReturnCondition, type ReturnRow } from './types';

interface EditReturnForm {
  unitsReturned: number | string;
  note: string;
  reason: string;
}

/** returns.edit's rules on what the dialog edits (an emptied units field is null: the contract asks for a number). */
const validateEdit = contractValidate<EditReturnForm>(contract.returns.edit.input.pick({ unitsReturned: true, note: true, reason: true }), (values) => ({
  unitsReturned: values.unitsReturned === '' ? null : values.unitsReturned,
  reason: values.reason,
  ...(values.note.trim() ? { note: values.note } : {}),
}));
/** The contract's reason rule, in this dialog's words. */
const editMessage = withWording(returnsMessage, { 'validation.giveReason': (t) => t('returns.edit.reasonNeeded') });

/**
 * Correcting a recorded return, with the reason. The host removes the monitor's verification (and any later change
 * voids a signed reconciliation): the dialog says so before anything is saved.
 */
export function EditReturnModal({ row, onClose, onSaved }: { row: ReturnRow; onClose: () => void; onSaved: (saved: ReturnRow) => void }) {
  const { t, i18n } = useTranslation();
  const [condition, setCondition] = useState<ReturnCondition>(row.condition);
  const form = useForm<EditReturnForm>({ initialValues: { unitsReturned: row.unitsReturned, note: row.note ?? '', reason: '' }, validate: validateEdit });
  const action = useVeilAction();
  const { run, busy, fieldError } = action;
  // A missing kit is "lost" and a returned kit "returned": the host does not switch one into the other here.
  const allowed = RETURN_CONDITIONS.filter((c) => (c === 'missing') === (row.condition === 'missing'));

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors) return;
    const { unitsReturned, note, reason } = form.values;
    const count = Number(unitsReturned);
    const result = await run(() => client.returns.edit({ kitNumber: row.kitNumber, condition, unitsReturned: count, reason: reason.trim(), ...(note.trim() ? { note: note.trim() } : {}) }));
    if (result.ok) onSaved(result.value);
  }

  const translatedField = (field: keyof EditReturnForm) => {
    const own = translatedError(form.errors, field, editMessage, t);
    const message = fieldError(field);
    return own ?? (message ? returnsMessage(message, t) : undefined);
  };

  return (
    <Modal opened onClose={() => !busy && onClose()} size="lg" title={t('returns.edit.title', { kit: row.kitNumber })} closeOnClickOutside={false} data-testid="edit-return-modal">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {row.verifiedAt ? (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title={t('returns.edit.removesVerificationTitle')} data-testid="edit-return-warning" data-verified="true">
              {t('returns.edit.removesVerification', { name: row.verifiedBy ?? '', time: formatDateTime(row.verifiedAt, i18n.language) })}
            </Alert>
          ) : (
            <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />} data-testid="edit-return-warning" data-verified="false">
              {t('returns.edit.notVerifiedYet')}
            </Alert>
          )}
          <Text>{t('returns.edit.patient', { patient: row.screeningNumber, time: formatDateTime(row.returnedAt, i18n.language) })}</Text>
          <Stack gap={6}>
            <Text fw={600} id="edit-condition-label">
              {t('returns.record.conditionLabel')}
            </Text>
            <Group gap="xs" role="radiogroup" aria-labelledby="edit-condition-label">
              {allowed.map((c) => {
                const Icon = CONDITION_LOOK[c].icon;
                const selected = condition === c;
                return (
                  <Button
                    key={c}
                    role="radio"
                    aria-checked={selected}
                    variant={selected ? 'filled' : 'default'}
                    color={selected ? 'indigo' : undefined}
                    leftSection={<Icon size="1.1em" aria-hidden />}
                    onClick={() => setCondition(c)}
                    data-testid={`edit-condition-${c}`}
                  >
                    {t(`returns.condition.${c}`)}
                  </Button>
                );
              })}
            </Group>
            {row.condition === 'missing' && (
              <Text size="sm" c="dimmed">
                {t('returns.edit.missingStays')}
              </Text>
            )}
          </Stack>
          <NumberInput
            label={t('returns.record.unitsLabel')}
            value={form.values.unitsReturned}
            onChange={(v) => form.setFieldValue('unitsReturned', v)}
            min={0}
            max={100}
            allowDecimal={false}
            allowNegative={false}
            disabled={condition === 'missing'}
            error={translatedField('unitsReturned')}
            maw={260}
            data-testid="edit-return-units"
          />
          <Textarea label={t('returns.record.noteOptional')} value={form.values.note} onChange={(e) => form.setFieldValue('note', e.currentTarget.value)} autosize minRows={2} maxLength={500} error={translatedField('note')} data-testid="edit-return-note" />
          <Textarea
            label={t('returns.edit.reason')}
            description={t('returns.edit.reasonHint')}
            value={form.values.reason}
            onChange={(e) => form.setFieldValue('reason', e.currentTarget.value)}
            withAsterisk
            autosize
            minRows={2}
            error={translatedField('reason')}
            data-autofocus
            data-testid="edit-return-reason"
          />
          <TranslatedErrorAlert error={action.error && !action.error.issues?.some((i) => ['unitsReturned', 'note', 'reason'].includes(String(i.path[0]))) ? action.error : null} translate={returnsMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy} data-testid="edit-return-cancel">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} leftSection={<IconEdit size="1.1em" aria-hidden />} data-testid="edit-return-submit">
              {t('returns.edit.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
