import { Alert, Button, Group, List, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { IconArchive, IconArchiveOff, IconCircleCheck, IconCircleX, IconLock, IconLockOpen } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { SignatureDialog } from '../common/SignatureDialog';
import { translateMeaning } from '../common/signatureMeaning';
import { useVeilAction } from '../common/useVeilAction';
import { ErrorAlert } from '../common/ErrorAlert';
import { useSession } from '../session/SessionContext';
import { client } from '../transport/client';
import { useStudyClosure } from './useStudyClosure';

/**
 * The study's close-out on Study set-up (issue 14, item 1): what closing needs (the monitor's sign-off holding, every
 * kit back from its patient), closing e-signed, and reopening e-signed with a reason. The server judges; the button
 * only waits for what it will ask. A closed study can be archived out of the day's lists (the switcher's studies of
 * the day, the Today home) and brought back; the session is read again so the switcher shows it where it now is.
 */
export function CloseOutPanel() {
  const { t, i18n } = useTranslation();
  const { closure, set } = useStudyClosure();
  const [dialog, setDialog] = useState<'close' | 'reopen' | null>(null);
  const [reason, setReason] = useState('');
  const archiving = useVeilAction();
  const { refresh } = useSession();
  if (!closure) return null;
  const setArchived = async (archived: boolean) => {
    const answer = await archiving.run(() => (archived ? client.study.archive({}) : client.study.unarchive({})));
    if (answer.ok) {
      set(answer.value);
      await refresh();
    }
  };
  const { readiness, closed } = closure;
  const ready = readiness.signOffHolds && readiness.kitsWithPatients === 0;
  const check = (ok: boolean, text: string, testId: string) => (
    <List.Item
      data-testid={testId}
      data-ok={ok}
      icon={
        <ThemeIcon color={ok ? 'teal' : 'red'} variant="light" radius="xl" size="md" aria-hidden>
          {ok ? <IconCircleCheck size="80%" /> : <IconCircleX size="80%" />}
        </ThemeIcon>
      }
    >
      {text}
    </List.Item>
  );

  return (
    <Stack gap="md" maw={760} data-testid="close-out" data-closed={closed !== null}>
      <Title order={2} fz="h3">
        {t('closeOut.title')}
      </Title>
      {closed ? (
        <>
          <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} data-testid="close-out-closed">
            {t('closeOut.closedText', { date: formatDateTime(closed.closedAt, i18n.language), name: closed.closedBy, meaning: translateMeaning(closed.signature.meaning, t) })}
          </Alert>
          <Text>{t('closeOut.reopenIntro')}</Text>
          <Group>
            <Button variant="default" leftSection={<IconLockOpen size="1.1em" aria-hidden />} onClick={() => setDialog('reopen')} data-testid="close-out-reopen">
              {t('closeOut.reopen')}
            </Button>
          </Group>
          <Title order={3} fz="h4">
            {t('closeOut.archiveTitle')}
          </Title>
          {closed.archivedAt ? (
            <Text data-testid="close-out-archived">{t('closeOut.archivedText', { date: formatDateTime(closed.archivedAt, i18n.language), name: closed.archivedBy ?? '' })}</Text>
          ) : (
            <Text>{t('closeOut.archiveIntro')}</Text>
          )}
          <ErrorAlert error={archiving.error} />
          <Group>
            {closed.archivedAt ? (
              <Button variant="default" leftSection={<IconArchiveOff size="1.1em" aria-hidden />} loading={archiving.busy} onClick={() => void setArchived(false)} data-testid="close-out-unarchive">
                {t('closeOut.unarchive')}
              </Button>
            ) : (
              <Button variant="default" leftSection={<IconArchive size="1.1em" aria-hidden />} loading={archiving.busy} onClick={() => void setArchived(true)} data-testid="close-out-archive">
                {t('closeOut.archive')}
              </Button>
            )}
          </Group>
        </>
      ) : (
        <>
          <Text>{t('closeOut.intro')}</Text>
          <List spacing="xs" center>
            {check(readiness.signOffHolds, readiness.signOffHolds ? t('closeOut.signOffHolds') : t('closeOut.signOffMissing'), 'close-out-signoff')}
            {check(
              readiness.kitsWithPatients === 0,
              readiness.kitsWithPatients === 0 ? t('closeOut.noKitWithPatients') : t('closeOut.kitsWithPatients', { count: readiness.kitsWithPatients }),
              'close-out-kits',
            )}
          </List>
          <Group>
            <Button color="red.8" leftSection={<IconLock size="1.1em" aria-hidden />} disabled={!ready} onClick={() => setDialog('close')} data-testid="close-out-close">
              {t('closeOut.close')}
            </Button>
          </Group>
        </>
      )}
      <SignatureDialog
        opened={dialog === 'close'}
        channel="study.close"
        title={t('closeOut.closeTitle', { study: closure.code })}
        submitLabel={t('closeOut.close')}
        onSign={(signature) => client.study.close({ signature })}
        onSigned={(answer) => {
          set(answer);
          setDialog(null);
        }}
        onClose={() => setDialog(null)}
      >
        <Text>{t('closeOut.closeExplanation', { study: closure.code })}</Text>
      </SignatureDialog>
      <SignatureDialog
        opened={dialog === 'reopen'}
        channel="study.reopen"
        title={t('closeOut.reopenTitle', { study: closure.code })}
        submitLabel={t('closeOut.reopen')}
        onSign={(signature) => client.study.reopen({ reason, signature })}
        onSigned={(answer) => {
          set(answer);
          setReason('');
          setDialog(null);
        }}
        onClose={() => setDialog(null)}
      >
        <TextInput label={t('closeOut.reason')} description={t('closeOut.reasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus data-testid="close-out-reason" />
      </SignatureDialog>
    </Stack>
  );
}
