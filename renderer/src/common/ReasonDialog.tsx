import { Button, Group, Modal, Stack, Textarea, type MantineColor } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { TFunction } from 'i18next';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { VeilError } from '../../../shared/errors';
import { contractValidate, translatedError, withWording } from './contractForm';
import { TranslatedErrorAlert } from './TranslatedErrorAlert';

/**
 * A dialog that asks the reason for one action kept in the record (withdrawing a patient, marking a kit damaged or
 * missing): what the action does (`children`), the reason, the host's refusal, Cancel and the action's button. The
 * reason's rule is the channel's (`schema`: its input schema .pick({ reason: true })); `reasonNeeded` words the
 * contract's "Give a reason" for this action, and every other message goes through the workflow's table.
 */
export function ReasonDialog({
  title,
  modalTestId,
  formTestId,
  schema,
  reasonNeeded,
  translate,
  label,
  description,
  placeholder,
  initialReason = '',
  reasonTestId,
  submitLabel,
  submitColor,
  submitIcon,
  submitTestId,
  busy,
  error,
  hostFieldError,
  onEdited,
  onSubmit,
  onClose,
  children,
}: {
  title: string;
  modalTestId: string;
  formTestId: string;
  schema: z.ZodType;
  reasonNeeded: (t: TFunction) => string;
  translate: (message: string, t: TFunction) => string;
  label: string;
  /** A hint under the reason's label. */
  description?: string;
  placeholder?: string;
  /** The reason already given, when the dialog opens again (e.g. back from its signature). */
  initialReason?: string;
  reasonTestId: string;
  submitLabel: string;
  submitColor: MantineColor;
  submitIcon?: ReactNode;
  submitTestId: string;
  busy: boolean;
  /** The host's refusal, shown under the field. */
  error: VeilError | null;
  /** The host's issue on the reason field, already in the user's language. */
  hostFieldError: string | undefined;
  /** The reason changed or the form is sent again: what the host refused goes. */
  onEdited: () => void;
  onSubmit: (reason: string) => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { reason: initialReason }, validate: contractValidate<{ reason: string }>(schema) });
  const message = withWording(translate, { 'validation.giveReason': reasonNeeded });

  function submit(event: FormEvent) {
    event.preventDefault();
    onEdited();
    if (form.validate().hasErrors) return;
    onSubmit(form.values.reason);
  }

  return (
    <Modal opened onClose={onClose} title={title} size="lg" data-testid={modalTestId}>
      <form onSubmit={submit} noValidate data-testid={formTestId}>
        <Stack gap="md">
          {children}
          <Textarea
            label={label}
            description={description}
            placeholder={placeholder}
            value={form.values.reason}
            onChange={(e) => {
              form.setFieldValue('reason', e.currentTarget.value);
              onEdited();
            }}
            error={translatedError(form.errors, 'reason', message, t) ?? hostFieldError}
            autosize
            minRows={2}
            size="md"
            data-autofocus
            data-testid={reasonTestId}
          />
          <TranslatedErrorAlert error={error} translate={translate} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={submitColor} loading={busy} leftSection={submitIcon} data-testid={submitTestId}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
