import { Alert, Badge, Button, Checkbox, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconShieldCheck, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { formatDateTime } from '../common/format';
import { ReasonThenSignature } from '../common/ReasonThenSignature';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { translateServerMessage } from '../i18n/serverMessages';
import { client } from '../transport/client';
import { ExcursionImpact } from './ExcursionImpact';
import { ExcursionReportButtons } from './ExcursionReportButtons';
import { ReadingsChart } from './ReadingsChart';
import { celsius, duration, type CaseView } from './types';

const DISPOSITION_REASON = contract.coldChain.dispose.input.pick({ reason: true });
type Decision = 'release' | 'damaged';

/**
 * One excursion case: when, how long, how far out of range, its readings with the range band, every kit it reached
 * with its time in this excursion and over its whole life, the kits already dispensed then (the investigator is to be
 * told), and the sponsor's disposition per kit, e-signed (release to stock, or damaged). Kit numbers only.
 */
export function ExcursionCasePanel({ view, canDecide, showImpact, onClose, onChanged }: { view: CaseView; canDecide: boolean; showImpact: boolean; onClose: () => void; onChanged: (next: CaseView) => void }) {
  const { t, i18n } = useTranslation();
  const pending = view.kits.filter((k) => k.quarantined && k.disposition === null && k.status === 'quarantined').map((k) => k.kitNumber);
  const dispensed = view.kits.filter((k) => k.statusThen === 'dispensed');
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const [deciding, setDeciding] = useState<{ decision: Decision; kits: string[] } | null>(null);
  const [done, setDone] = useState<{ decision: Decision; kits: string[]; signature: SignatureShown } | null>(null);
  const isChosen = (kit: string) => chosen[kit] !== false;
  const selected = pending.filter(isChosen);

  const what = (d: { decision: Decision; kits: string[] }) => (
    <Stack gap={6}>
      <Text fw={600}>{t(d.decision === 'release' ? 'storage.case.releaseWhat' : 'storage.case.damagedWhat', { count: d.kits.length, location: view.location })}</Text>
      <Group gap="xs">
        {d.kits.map((k) => (
          <Badge key={k} size="lg" variant="light" color="gray" radius="sm" ff="monospace">
            {k}
          </Badge>
        ))}
      </Group>
    </Stack>
  );

  return (
    <Paper withBorder p="lg" radius="md" data-testid="excursion-case" data-excursion={view.id}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={2} fz="h3">
              {t('storage.case.title', { id: view.id, location: view.location })}
            </Title>
            <Text>
              {t(view.direction === 'above' ? 'storage.case.above' : 'storage.case.below', {
                start: formatDateTime(view.start, i18n.language),
                duration: duration(view.durationSeconds),
                worst: celsius(view.worstCelsius, i18n.language),
                min: celsius(view.range.minCelsius, i18n.language),
                max: celsius(view.range.maxCelsius, i18n.language),
              })}
              {view.ongoing ? ` ${t('storage.case.ongoing')}` : ''}
            </Text>
          </Stack>
          <Group gap="xs">
            <Badge size="lg" color={view.open ? 'orange.9' : 'teal.9'} variant="filled" data-testid="excursion-case-state">
              {view.open ? t('storage.case.open') : t('storage.case.closed')}
            </Badge>
            <Button variant="subtle" color="gray" leftSection={<IconX size="1em" aria-hidden />} onClick={onClose} data-testid="excursion-case-close">
              {t('storage.case.close')}
            </Button>
          </Group>
        </Group>
        <ReadingsChart readings={view.readings} range={view.range} highlight={{ start: view.start, end: view.end }} testId="excursion-chart" />
        <ExcursionReportButtons excursionId={view.id} />
        {showImpact && pending.length > 0 && <ExcursionImpact excursionId={view.id} pending={pending.length} />}
        {done && (
          <Alert color="teal" variant="light" withCloseButton onClose={() => setDone(null)} data-testid="excursion-disposed">
            <Stack gap={4}>
              <Text fw={600}>{t(done.decision === 'release' ? 'storage.case.released' : 'storage.case.damagedDone', { count: done.kits.length, kits: done.kits.join(', ') })}</Text>
              <SignedBy signature={done.signature} />
            </Stack>
          </Alert>
        )}
        {dispensed.length > 0 && (
          <Alert color="orange" variant="light" title={t('storage.case.dispensedTitle')} data-testid="excursion-dispensed">
            {t('storage.case.dispensedBody', { count: dispensed.length, kits: dispensed.map((k) => k.kitNumber).join(', ') })}
          </Alert>
        )}
        <Table.ScrollContainer minWidth={760} mah={440} type="native" tabIndex={0} style={{ overflowY: 'auto' }}>
          <Table striped withTableBorder stickyHeader data-testid="excursion-kits">
            <Table.Thead>
              <Table.Tr>
                {canDecide && pending.length > 0 && <Table.Th>{t('storage.case.choose')}</Table.Th>}
                <Table.Th>{t('storage.case.kit')}</Table.Th>
                <Table.Th>{t('storage.case.statusThen')}</Table.Th>
                <Table.Th>{t('storage.case.status')}</Table.Th>
                <Table.Th>{t('storage.case.inThis')}</Table.Th>
                <Table.Th>{t('storage.case.cumulative')}</Table.Th>
                <Table.Th>{t('storage.case.disposition')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.kits.map((k) => (
                <Table.Tr key={k.kitNumber} data-testid={`excursion-kit-${k.kitNumber}`} data-status={k.status} data-seconds={k.secondsInExcursion} data-cumulative={k.cumulativeSecondsOutOfRange}>
                  {canDecide && pending.length > 0 && (
                    <Table.Td>
                      {pending.includes(k.kitNumber) && (
                        <Checkbox
                          aria-label={t('storage.case.chooseKit', { kit: k.kitNumber })}
                          checked={isChosen(k.kitNumber)}
                          onChange={(e) => {
                            const checked = e.currentTarget.checked;
                            setChosen((c) => ({ ...c, [k.kitNumber]: checked }));
                          }}
                          data-testid={`excursion-choose-${k.kitNumber}`}
                        />
                      )}
                    </Table.Td>
                  )}
                  <Table.Td ff="monospace" fw={700}>
                    {k.kitNumber}
                  </Table.Td>
                  <Table.Td>{t(`storage.kitStatus.${k.statusThen}`)}</Table.Td>
                  <Table.Td>{t(`storage.kitStatus.${k.status}`)}</Table.Td>
                  <Table.Td>{duration(k.secondsInExcursion)}</Table.Td>
                  <Table.Td>{duration(k.cumulativeSecondsOutOfRange)}</Table.Td>
                  <Table.Td>
                    {k.disposition ? (
                      <Text size="sm">
                        {t(k.disposition === 'release' ? 'storage.case.dispositionRelease' : 'storage.case.dispositionDamaged')}
                        {k.dispositionBy ? ` · ${k.dispositionBy}` : ''}
                        {k.dispositionAt ? ` · ${formatDateTime(k.dispositionAt, i18n.language)}` : ''}
                      </Text>
                    ) : k.quarantined && k.status === 'quarantined' ? (
                      <Text size="sm" fw={600} c="orange.9">
                        {t('storage.case.pending')}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {canDecide && pending.length > 0 && (
          <Group gap="sm">
            <Button variant="default" onClick={() => setChosen({})} data-testid="excursion-choose-all">
              {t('storage.case.chooseAll')}
            </Button>
            <Button variant="default" onClick={() => setChosen(Object.fromEntries(pending.map((k) => [k, false])))} data-testid="excursion-choose-none">
              {t('storage.case.chooseNone')}
            </Button>
            <Button color="teal.8" leftSection={<IconShieldCheck size="1.1em" aria-hidden />} disabled={selected.length === 0} onClick={() => setDeciding({ decision: 'release', kits: selected })} data-testid="excursion-release">
              {t('storage.case.release', { count: selected.length })}
            </Button>
            <Button color="red.8" variant="outline" leftSection={<IconTrash size="1.1em" aria-hidden />} disabled={selected.length === 0} onClick={() => setDeciding({ decision: 'damaged', kits: selected })} data-testid="excursion-damaged">
              {t('storage.case.damaged', { count: selected.length })}
            </Button>
          </Group>
        )}
      </Stack>
      {deciding && (
        <ReasonThenSignature
          channel="coldChain.dispose"
          title={t(deciding.decision === 'release' ? 'storage.case.releaseTitle' : 'storage.case.damagedTitle')}
          schema={DISPOSITION_REASON}
          reasonNeeded={(tr) => tr('storage.case.reasonNeeded')}
          translate={translateServerMessage}
          label={t('storage.case.reason')}
          description={t('storage.case.reasonHint')}
          testIds={{ modal: 'excursion-decision-modal', form: 'excursion-decision', reason: 'excursion-reason', submit: 'excursion-decision-continue', summary: 'excursion-signature-summary' }}
          submitLabel={t('storage.case.continueToSign')}
          signLabel={t('storage.case.sign')}
          what={what(deciding)}
          run={(reason, signature) => client.coldChain.dispose({ excursionId: view.id, kitNumbers: deciding.kits, decision: deciding.decision, reason, signature: signature! })}
          onDone={(answer) => {
            setDone({ decision: deciding.decision, kits: deciding.kits, signature: answer.signature });
            setDeciding(null);
            setChosen({});
            onChanged(answer.case);
          }}
          onClose={() => setDeciding(null)}
        />
      )}
    </Paper>
  );
}
