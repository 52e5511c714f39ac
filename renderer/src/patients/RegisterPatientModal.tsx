import { Button, Group, Modal, NativeSelect, NumberInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { VeilError } from '../../../shared/errors';
import { translatedError } from '../common/contractForm';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { registrationMessage, registrationValidate, type Registration } from './patientForms';
import { patientMessage, strataAskedFor } from './patientMessages';
import type { Patient } from './types';

/**
 * Registers a screened patient: screening number, initials, year of birth (data minimisation: no full date), the
 * investigator, and the stratum when the study has several (the host names them when it needs one).
 */
export function RegisterPatientModal({ knownStrata, investigators, onClose, onRegistered }: { knownStrata: string[]; investigators: string[]; onClose: () => void; onRegistered: (p: Patient) => void }) {
  const { t } = useTranslation();
  const [strata, setStrata] = useState<string[]>(knownStrata.length > 1 ? knownStrata : []);
  const form = useForm<Registration>({
    initialValues: { screeningNumber: '', initials: '', yearOfBirth: '', investigator: investigators.length === 1 ? investigators[0]! : '', stratum: '' },
    validate: registrationValidate(strata.length > 1),
  });
  const { screeningNumber, initials, yearOfBirth, investigator, stratum } = form.values;
  const action = useVeilAction();
  // The form's refusal (checked here) or the host's (checked again there), in the user's language.
  const fieldError = (field: keyof Registration) => translatedError(form.errors, field, registrationMessage, t) ?? action.fieldError(field);

  // What was refused (here or by the host) is shown until the person changes something; then the form is clean again.
  function edited(change: Partial<Registration>) {
    form.setValues(change);
    if (action.error) action.clear();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    action.clear();
    if (form.validate().hasErrors || typeof yearOfBirth !== 'number') return;
    const result = await action.run(async () => {
      try {
        return await client.patients.register({ screeningNumber, initials, yearOfBirth, investigator, ...(stratum ? { stratum } : {}) });
      } catch (caught) {
        // The host asks for a stratum by naming the study's strata: offer them.
        const asked = caught instanceof VeilError ? strataAskedFor(caught) : null;
        if (asked) setStrata(asked);
        throw caught;
      }
    });
    if (result.ok) onRegistered(result.value);
  }

  return (
    <Modal opened onClose={onClose} title={t('patients.register.title')} size="xl" data-testid="register-patient-modal">
      <form onSubmit={submit} noValidate data-testid="register-patient-form">
        <Stack gap="md">
          <Text c="dimmed">{t('patients.register.intro')}</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label={t('patients.field.screeningNumber')}
              description={t('patients.field.screeningNumberHint')}
              value={screeningNumber}
              onChange={(e) => edited({ screeningNumber: e.currentTarget.value })}
              error={fieldError('screeningNumber')}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              data-testid="register-screening-number"
            />
            <TextInput
              label={t('patients.field.initials')}
              description={t('patients.field.initialsHint')}
              value={initials}
              onChange={(e) => edited({ initials: e.currentTarget.value.toUpperCase() })}
              error={fieldError('initials')}
              autoComplete="off"
              spellCheck={false}
              maxLength={4}
              data-testid="register-initials"
            />
            <NumberInput
              label={t('patients.field.yearOfBirth')}
              description={t('patients.field.yearOfBirthHint')}
              value={yearOfBirth}
              onChange={(v) => edited({ yearOfBirth: v })}
              error={fieldError('yearOfBirth')}
              min={1900}
              max={new Date().getFullYear()}
              allowDecimal={false}
              allowNegative={false}
              hideControls
              data-testid="register-year-of-birth"
            />
            <TextInput
              label={t('patients.field.investigator')}
              description={t('patients.field.investigatorHint')}
              value={investigator}
              onChange={(e) => edited({ investigator: e.currentTarget.value })}
              error={fieldError('investigator')}
              list="veil-investigators"
              autoComplete="off"
              data-testid="register-investigator"
            />
            <datalist id="veil-investigators">
              {investigators.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            {strata.length > 1 && (
              <NativeSelect
                label={t('patients.field.stratum')}
                description={t('patients.field.stratumHint')}
                value={stratum}
                onChange={(e) => edited({ stratum: e.currentTarget.value })}
                error={fieldError('stratum')}
                data={[{ value: '', label: t('patients.field.chooseStratum') }, ...strata.map((s) => ({ value: s, label: s }))]}
                data-testid="register-stratum"
              />
            )}
          </SimpleGrid>
          <TranslatedErrorAlert error={action.error} translate={patientMessage} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={action.busy} data-testid="register-submit">
              {t('patients.register.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
