import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconReplace, IconSearch, IconTrash, IconUserExclamation } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, type ChannelOutput } from '../../../shared/contract';
import type { KitStatus } from '../../../shared/kits/kitLifecycle';
import { kitStatusLabel } from '../audit/describe';
import { ReasonThenSignature } from '../common/ReasonThenSignature';
import { ExtraDispensingModal } from '../dispense/ExtraDispensingModal';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

type Exception = 'damagedAtSite' | 'lostAtSite' | 'found' | 'lostByPatient' | 'damagedByPatient';
type Facts = ChannelOutput<'kitStory.view'>['kit'];

/** Which exceptions a kit in this status can take (the host judges again: main/core/kits/kitExceptionService.ts). */
const BY_STATUS: Partial<Record<KitStatus, Exception[]>> = {
  available: ['damagedAtSite', 'lostAtSite'],
  lost: ['found'],
  dispensed: ['lostByPatient', 'damagedByPatient'],
};

/** Every exception's reason rule is the contract's one `Reason` (shared/contract/schemas.ts). */
const REASON = contract.kitExceptions.damagedAtSite.input.pick({ reason: true });

const ICONS = { damagedAtSite: IconTrash, lostAtSite: IconAlertTriangle, found: IconSearch, lostByPatient: IconUserExclamation, damagedByPatient: IconUserExclamation };

/**
 * What can happen to a kit outside the workflows (issue 16, item 1), from its page: damaged or lost at the site, found
 * again, lost or damaged by its patient (kits.exceptions), and a replacement kit for one the patient lost or damaged
 * (the unblinded pharmacist with the key open). Each asks its reason, and its e-signature where the contract signs it.
 */
export function KitActions({ kit, permissions, onChanged }: { kit: Facts; permissions: readonly string[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [acting, setActing] = useState<Exception | null>(null);
  const [replacing, setReplacing] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const exceptions = permissions.includes('kits.exceptions') ? (BY_STATUS[kit.status] ?? []) : [];
  const given = kit.givenTo;
  // Only a kit the patient lost or damaged (recorded first) is replaced, once; dispensing needs the key open.
  const canReplace = given !== null && given.replacedBy === null && (kit.status === 'lost' || kit.status === 'damaged') && permissions.includes('dispensing.perform') && permissions.includes('reports.unblinded');
  if (exceptions.length === 0 && !canReplace && !given?.replacedBy && !done) return null;
  const params = { kit: kit.kitNumber, screening: given?.screeningNumber ?? '', visit: given?.visitCode ?? '' };

  return (
    <Paper withBorder radius="md" p="md" data-testid="kit-actions">
      <Stack gap="sm">
        {(exceptions.length > 0 || canReplace) && <Text fw={700}>{t('kitStory.actions.title')}</Text>}
        {given && <Text data-testid="kit-given-to">{t('kitStory.actions.givenTo', { screening: given.screeningNumber, visit: given.visitCode })}</Text>}
        {given?.replacedBy && <Text data-testid="kit-replaced-by">{t('kitStory.actions.replaced', { code: given.replacedBy })}</Text>}
        {done && (
          <Alert color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setDone(null)} data-testid="kit-action-done">
            {done}
          </Alert>
        )}
        <Group gap="sm">
          {exceptions.map((e) => {
            const Icon = ICONS[e];
            return (
              <Button key={e} variant="light" color={e === 'found' ? 'teal' : 'orange'} leftSection={<Icon size="1.1em" aria-hidden />} onClick={() => setActing(e)} data-testid={`kit-action-${e}`}>
                {t(`kitStory.actions.${e}`)}
              </Button>
            );
          })}
          {canReplace && (
            <Button color="indigo" leftSection={<IconReplace size="1.1em" aria-hidden />} onClick={() => setReplacing(true)} data-testid="kit-action-replace">
              {t('kitStory.actions.replace')}
            </Button>
          )}
        </Group>
      </Stack>
      {acting && (
        <ReasonThenSignature
          channel={`kitExceptions.${acting}`}
          title={t(`kitStory.actions.${acting}`)}
          schema={REASON}
          reasonNeeded={(tr) => tr('kitStory.actions.reasonNeeded')}
          translate={translateServerMessage}
          label={t('kitStory.actions.reason')}
          description={t('kitStory.actions.reasonHint')}
          testIds={{ modal: 'kit-action-modal', form: 'kit-action-form', reason: 'kit-action-reason', submit: 'kit-action-submit', summary: 'kit-action-summary' }}
          submitLabel={contract.kitExceptions[acting].signature ? t('kitStory.actions.continueToSign') : t('kitStory.actions.record')}
          submitColor={contract.kitExceptions[acting].signature ? 'indigo' : 'orange'}
          what={<Text fw={600}>{t(`kitStory.actions.what.${acting}`, params)}</Text>}
          run={(reason, signature) => {
            const code = kit.kitNumber;
            switch (acting) {
              case 'damagedAtSite':
                return client.kitExceptions.damagedAtSite({ code, reason });
              case 'damagedByPatient':
                return client.kitExceptions.damagedByPatient({ code, reason });
              default:
                return client.kitExceptions[acting]({ code, reason, signature: signature! });
            }
          }}
          onDone={(answer) => {
            setActing(null);
            setDone(t('kitStory.actions.done', { kit: answer.kitNumber, status: kitStatusLabel(answer.status, t) }));
            onChanged();
          }}
          onClose={() => setActing(null)}
        />
      )}
      {replacing && given && (
        <ExtraDispensingModal
          request={{ patientId: given.patientId, kind: 'replacement', replacedKit: kit.kitNumber }}
          onDone={(answer) => {
            setReplacing(false);
            setDone(t('dispense.extra.done', { kits: answer.kits.join(', '), code: answer.visitCode }));
            onChanged();
          }}
          onClose={() => setReplacing(false)}
        />
      )}
    </Paper>
  );
}
