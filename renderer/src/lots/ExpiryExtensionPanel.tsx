import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCalendarPlus, IconCheck, IconEyeOff, IconSignature } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { SignatureDialog } from '../common/SignatureDialog';
import { SignedBy } from '../common/SignedBy';
import { OverLabelList } from './OverLabelList';
import { client } from '../transport/client';

type Extended = ChannelOutput<'lots.extendExpiry'>;

/**
 * An expiry extension from the sponsor's letter (issue 16, item 2), for the unblinded pharmacist, beside the lot recall:
 * the real lot as the letter prints it, the new expiry date and the letter's reference, then the e-signature. The
 * answer says how many kits took the new date, how many blinded use-before dates moved (each kit on the shelf among
 * them gets an over-label, listed below), or that the blinded date stays hidden because it would reveal an arm.
 */
export function ExpiryExtensionPanel() {
  const { t } = useTranslation();
  const [lot, setLot] = useState('');
  const [newExpiry, setNewExpiry] = useState('');
  const [letter, setLetter] = useState('');
  const [signing, setSigning] = useState(false);
  const [done, setDone] = useState<Extended | null>(null);
  const [listVersion, setListVersion] = useState(0);
  const ready = lot.trim() !== '' && newExpiry !== '' && letter.trim() !== '';

  return (
    <Paper withBorder radius="md" p="lg" data-testid="expiry-extension">
      <Stack gap="md">
        <Group gap="sm">
          <IconCalendarPlus size="1.5em" aria-hidden />
          <Title order={2} fz="h3">
            {t('lots.extension.title')}
          </Title>
        </Group>
        <Text c="dimmed">{t('lots.extension.intro')}</Text>
        <Group align="flex-end">
          <TextInput label={t('lots.extension.lot')} value={lot} onChange={(e) => setLot(e.currentTarget.value)} data-testid="expiry-extension-lot" />
          <TextInput type="date" label={t('lots.extension.newExpiry')} value={newExpiry} onChange={(e) => setNewExpiry(e.currentTarget.value)} data-testid="expiry-extension-date" />
          <TextInput label={t('lots.extension.letter')} value={letter} onChange={(e) => setLetter(e.currentTarget.value)} data-testid="expiry-extension-letter" />
          <Button
            leftSection={<IconSignature size="1.1em" aria-hidden />}
            disabled={!ready}
            onClick={() => {
              setDone(null);
              setSigning(true);
            }}
            data-testid="expiry-extension-start"
          >
            {t('lots.extension.start')}
          </Button>
        </Group>
        {done && (
          <Alert color="teal" icon={<IconCheck aria-hidden />} data-testid="expiry-extension-done">
            <Stack gap={4}>
              <Text fw={600}>{t('lots.extension.done', { count: done.kits.length })}</Text>
              <Text data-testid="expiry-extension-blinded">{t('lots.extension.useBeforeChanged', { count: done.useBeforeChanged.length })}</Text>
              {!done.expiryReveals && <Text>{t('lots.extension.overLabels', { count: done.overLabels.length })}</Text>}
              <SignedBy signature={done.signature} />
            </Stack>
          </Alert>
        )}
        {done?.expiryReveals && (
          <Alert color="orange" icon={<IconEyeOff aria-hidden />} data-testid="expiry-extension-hidden">
            {t('lots.extension.staysHidden')}
          </Alert>
        )}
        <OverLabelList key={listVersion} />
      </Stack>
      {signing && (
        <SignatureDialog
          opened
          channel="lots.extendExpiry"
          title={t('lots.extension.title')}
          onSign={(signature) => client.lots.extendExpiry({ lot: lot.trim(), newExpiry, letterReference: letter.trim(), signature })}
          onSigned={(answer) => {
            setSigning(false);
            setDone(answer);
            setListVersion((v) => v + 1);
          }}
          onClose={() => setSigning(false)}
        >
          <Text fw={600} data-testid="expiry-extension-summary">
            {t('lots.extension.what', { lot: lot.trim(), date: newExpiry, letter: letter.trim() })}
          </Text>
        </SignatureDialog>
      )}
    </Paper>
  );
}
