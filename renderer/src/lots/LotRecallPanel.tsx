import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconSearch, IconShieldExclamation } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, type ChannelOutput } from '../../../shared/contract';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { ReasonThenSignature } from '../common/ReasonThenSignature';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { useVeilAction } from '../common/useVeilAction';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';

type Preview = ChannelOutput<'lots.recallPreview'>;

/** lots.recall's reason rule. */
const REASON = contract.lots.recall.input.pick({ reason: true });

/**
 * A lot recall from the sponsor's letter (issue 16, item 2), for the unblinded pharmacist: the real lot as the letter
 * prints it, a preview of what the recall does (kits to quarantine, kits held at receipt, patients who received the
 * lot, the arms, and a warning when the lot is of one arm only), then the letter's reference, the reason and the
 * e-signature. The recall quarantines the kits in one step.
 */
export function LotRecallPanel() {
  const { t, i18n } = useTranslation();
  const [lot, setLot] = useState('');
  const [letter, setLetter] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [recalling, setRecalling] = useState(false);
  const [done, setDone] = useState<{ kits: string[]; held: string[]; signature: SignatureShown } | null>(null);
  const look = useVeilAction();

  async function showPreview() {
    setDone(null);
    setPreview(null);
    const r = await look.run(() => client.lots.recallPreview({ lot: lot.trim() }));
    if (r.ok) setPreview(r.value);
  }

  return (
    <Paper withBorder radius="md" p="lg" data-testid="lot-recall">
      <Stack gap="md">
        <Group gap="sm">
          <IconShieldExclamation size="1.5em" aria-hidden />
          <Title order={2} fz="h3">
            {t('lots.recall.title')}
          </Title>
        </Group>
        <Text c="dimmed">{t('lots.recall.intro')}</Text>
        <Group align="flex-end">
          <TextInput label={t('lots.recall.lot')} value={lot} onChange={(e) => setLot(e.currentTarget.value)} error={look.fieldError('lot')} data-testid="lot-recall-lot" />
          <Button leftSection={<IconSearch size="1.1em" aria-hidden />} onClick={() => void showPreview()} loading={look.busy} data-testid="lot-recall-preview">
            {t('lots.recall.preview')}
          </Button>
        </Group>
        <ErrorAlert error={look.error} testId="lot-recall-error" />
        {done && (
          <Alert color="teal" icon={<IconCheck aria-hidden />} data-testid="lot-recall-done">
            <Stack gap={4}>
              <Text fw={600}>{t('lots.recall.done', { count: done.kits.length, held: done.held.length })}</Text>
              <SignedBy signature={done.signature} />
            </Stack>
          </Alert>
        )}
        {preview && (
          <Stack gap="sm" data-testid="lot-recall-what">
            {preview.oneArmWarning && (
              <Alert color="orange" icon={<IconAlertTriangle aria-hidden />} data-testid="lot-recall-one-arm">
                {t('lots.recall.oneArm')}
              </Alert>
            )}
            <Text>{t('lots.recall.toQuarantine', { count: preview.toQuarantine.length })}</Text>
            <Text>{t('lots.recall.toHold', { count: preview.toHoldAtReceipt.length })}</Text>
            <Group gap="xs">
              {preview.arms.map((a) => (
                <Badge key={a.code} color="orange.9" variant="light">
                  {a.name}: {a.kits}
                </Badge>
              ))}
            </Group>
            <Text fw={600}>{t('lots.recall.patients', { count: preview.patients.length })}</Text>
            {preview.patients.length > 0 && (
              <Table withTableBorder data-testid="lot-recall-patients">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('lots.recall.patient')}</Table.Th>
                    <Table.Th>{t('lots.recall.visit')}</Table.Th>
                    <Table.Th>{t('lots.recall.kit')}</Table.Th>
                    <Table.Th>{t('lots.recall.when')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.patients.map((p) => (
                    <Table.Tr key={p.kitNumber}>
                      <Table.Td>{p.screeningNumber}</Table.Td>
                      <Table.Td>{p.visitCode}</Table.Td>
                      <Table.Td ff="monospace">{p.kitNumber}</Table.Td>
                      <Table.Td>{formatDateTime(p.dispensedAt, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Group align="flex-end">
              <TextInput label={t('lots.recall.letter')} value={letter} onChange={(e) => setLetter(e.currentTarget.value)} data-testid="lot-recall-letter" />
              <Button color="red.8" disabled={letter.trim() === '' || preview.toQuarantine.length + preview.toHoldAtReceipt.length === 0} onClick={() => setRecalling(true)} data-testid="lot-recall-start">
                {t('lots.recall.start')}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
      {recalling && preview && (
        <ReasonThenSignature
          channel="lots.recall"
          title={t('lots.recall.title')}
          schema={REASON}
          reasonNeeded={(tr) => tr('lots.recall.reasonNeeded')}
          translate={translateServerMessage}
          label={t('lots.recall.reason')}
          testIds={{ modal: 'lot-recall-modal', form: 'lot-recall-form', reason: 'lot-recall-reason', submit: 'lot-recall-continue', summary: 'lot-recall-summary' }}
          submitLabel={t('lots.recall.continueToSign')}
          what={<Text fw={600}>{t('lots.recall.what', { lot: preview.lot, count: preview.toQuarantine.length, letter: letter.trim() })}</Text>}
          run={(reason, signature) => client.lots.recall({ lot: preview.lot, letterReference: letter.trim(), reason, signature: signature! })}
          onDone={(answer) => {
            setRecalling(false);
            setPreview(null);
            setDone({ kits: answer.quarantined, held: answer.heldAtReceipt, signature: answer.signature });
          }}
          onClose={() => setRecalling(false)}
        />
      )}
    </Paper>
  );
}
