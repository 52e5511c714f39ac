import { Alert, Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { KitNumberBadge } from '../common/KitNumberBadge';
import { IconCheck, IconShieldCheck, IconShieldExclamation, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../shared/contract';
import { formatDateTime } from '../common/format';
import { ReasonThenSignature } from '../common/ReasonThenSignature';
import { SignedBy, type SignatureShown } from '../common/SignedBy';
import { client } from '../transport/client';
import { receiveMessage } from './receiveMessages';
import type { Shipment } from './types';

/** shipments.decideQuarantine's reason rule (at least 3 characters once trimmed, at most 500). */
const DECISION_REASON = contract.shipments.decideQuarantine.input.pick({ reason: true });

type Decision = 'release' | 'reject';

/**
 * Kits in quarantine after a temperature alarm, shipment by shipment, for the unblinded pharmacist: release them to
 * stock or reject them, with a reason (the shared reason dialog, validated by the channel's schema), under an
 * electronic signature.
 */
export function QuarantinePanel({ shipments, onDecided }: { shipments: Shipment[]; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const groups = shipments.map((s) => ({ shipment: s, kits: s.kits.filter((k) => k.status === 'quarantined').map((k) => k.kitNumber) })).filter((g) => g.kits.length > 0);
  const [selected, setSelected] = useState<Record<string, boolean>>({});
  const [deciding, setDeciding] = useState<{ decision: Decision; kits: string[]; reference: string } | null>(null);
  const [done, setDone] = useState<{ decision: Decision; kits: string[]; signature: SignatureShown } | null>(null);

  const isSelected = (kit: string) => selected[kit] !== false;

  const what = (d: { decision: Decision; kits: string[]; reference: string }) => (
    <Stack gap={6}>
      <Text fw={600}>{d.decision === 'release' ? t('receive.quarantine.releaseWhat', { count: d.kits.length, reference: d.reference }) : t('receive.quarantine.rejectWhat', { count: d.kits.length, reference: d.reference })}</Text>
      <Group gap="sm">
        {d.kits.map((k) => (
          <KitNumberBadge key={k} kitNumber={k} variant="light" color="gray" />
        ))}
      </Group>
      <Text size="sm" c="dimmed">
        {d.decision === 'release' ? t('receive.quarantine.releaseEffect') : t('receive.quarantine.rejectEffect')}
      </Text>
    </Stack>
  );

  function start(decision: Decision, reference: string, kits: string[]) {
    setDone(null);
    setDeciding({ decision, kits, reference });
  }

  return (
    <Paper withBorder p="lg" radius="md" data-testid="quarantine-panel">
      <Stack gap="md">
        <Group gap="sm">
          <IconShieldExclamation size="1.6em" aria-hidden />
          <Title order={2} fz="h3">
            {t('receive.quarantine.title')}
          </Title>
        </Group>
        {done && (
          <Alert variant="light" color="teal" icon={<IconCheck aria-hidden />} withCloseButton onClose={() => setDone(null)} data-testid="quarantine-done">
            <Stack gap={4}>
              <Text fw={600}>{done.decision === 'release' ? t('receive.quarantine.released', { count: done.kits.length, kits: done.kits.join(', ') }) : t('receive.quarantine.rejected', { count: done.kits.length, kits: done.kits.join(', ') })}</Text>
              <SignedBy signature={done.signature} />
            </Stack>
          </Alert>
        )}
        {groups.length === 0 ? (
          <Text c="dimmed" data-testid="quarantine-empty">
            {t('receive.quarantine.empty')}
          </Text>
        ) : (
          groups.map(({ shipment, kits }) => {
            const chosen = kits.filter(isSelected);
            return (
              <Paper key={shipment.id} withBorder p="md" radius="md" data-testid={`quarantine-shipment-${shipment.reference}`}>
                <Stack gap="sm">
                  <Text fw={700} fz="lg">
                    {t('receive.quarantine.shipment', { reference: shipment.reference, time: shipment.closedAt ? formatDateTime(shipment.closedAt, i18n.language) : '' })}
                  </Text>
                  <Text>{shipment.temperature === 'alarm' ? t('receive.quarantine.becauseAlarm') : t('receive.quarantine.because')}</Text>
                  <Group gap="lg">
                    {kits.map((kit) => (
                      <Checkbox
                        key={kit}
                        size="md"
                        label={<Text ff="monospace" fw={700}>{kit}</Text>}
                        checked={isSelected(kit)}
                        onChange={(e) => {
                          const checked = e.currentTarget.checked;
                          setSelected((s) => ({ ...s, [kit]: checked }));
                        }}
                        data-testid={`quarantine-kit-${kit}`}
                      />
                    ))}
                  </Group>
                  <Group gap="sm">
                    <Button color="teal.8" leftSection={<IconShieldCheck size="1.1em" aria-hidden />} disabled={chosen.length === 0} onClick={() => start('release', shipment.reference, chosen)} data-testid={`quarantine-release-${shipment.reference}`}>
                      {t('receive.quarantine.release', { count: chosen.length })}
                    </Button>
                    <Button color="red.8" variant="outline" leftSection={<IconTrash size="1.1em" aria-hidden />} disabled={chosen.length === 0} onClick={() => start('reject', shipment.reference, chosen)} data-testid={`quarantine-reject-${shipment.reference}`}>
                      {t('receive.quarantine.reject', { count: chosen.length })}
                    </Button>
                  </Group>
                </Stack>
              </Paper>
            );
          })
        )}
      </Stack>
      {deciding && (
        <ReasonThenSignature
          channel="shipments.decideQuarantine"
          title={deciding.decision === 'release' ? t('receive.quarantine.releaseTitle') : t('receive.quarantine.rejectTitle')}
          schema={DECISION_REASON}
          reasonNeeded={(tr) => tr('receive.quarantine.reasonNeeded')}
          translate={receiveMessage}
          label={t('receive.quarantine.reason')}
          description={t('receive.quarantine.reasonHint')}
          testIds={{ modal: 'quarantine-decision-modal', form: 'quarantine-decision', reason: 'quarantine-reason', submit: 'quarantine-decision-continue', summary: 'quarantine-signature-summary' }}
          submitLabel={t('receive.quarantine.continueToSign')}
          signLabel={deciding.decision === 'release' ? t('receive.quarantine.signRelease') : t('receive.quarantine.signReject')}
          what={what(deciding)}
          run={(reason, signature) => client.shipments.decideQuarantine({ kitNumbers: deciding.kits, decision: deciding.decision, reason, signature: signature! })}
          onDone={(answer) => {
            setDone({ decision: deciding.decision, kits: deciding.kits, signature: answer.signature });
            setDeciding(null);
            onDecided();
          }}
          onClose={() => setDeciding(null)}
        />
      )}
    </Paper>
  );
}
