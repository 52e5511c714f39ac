import { Badge, Stack, Table, Text } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { LotLine } from './types';

/**
 * Per lot: received, dispensed, returned, destroyed, on hand, with patients and lost, and whether the lot balances
 * (every kit received is on the shelf, with a patient, destroyed or lost since). Balanced is said in words and a sign.
 */
export function LotsTable({ lots, unblinded }: { lots: LotLine[]; unblinded: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="recon-lots">
      <Text c="dimmed">{unblinded ? t('reconciliation.lots.explainUnblinded') : t('reconciliation.lots.explain')}</Text>
      <Table.ScrollContainer minWidth={960}>
        <Table striped verticalSpacing="sm" data-testid="recon-lots-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reconciliation.lots.columns.lot')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.received')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.dispensed')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.returned')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.destroyed')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.onHand')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.withPatient')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.lost')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.lots.columns.notReceived')}</Table.Th>
              <Table.Th>{t('reconciliation.lots.columns.balanced')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lots.map((l) => (
              <Table.Tr key={l.lot} data-testid={`recon-lot-${l.lot}`} data-balanced={l.balanced ? 'true' : 'false'}>
                <Table.Td>
                  <Text ff="monospace" fw={700}>
                    {l.lot}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{l.received}</Table.Td>
                <Table.Td ta="right">{l.dispensed}</Table.Td>
                <Table.Td ta="right">{l.returned}</Table.Td>
                <Table.Td ta="right">{l.destroyed}</Table.Td>
                <Table.Td ta="right">{l.onHand}</Table.Td>
                <Table.Td ta="right">{l.withPatient}</Table.Td>
                <Table.Td ta="right">{l.lost}</Table.Td>
                <Table.Td ta="right">{l.notReceived}</Table.Td>
                <Table.Td className="veil-badges">
                  {l.balanced ? (
                    <Badge size="lg" color="teal" variant="light" leftSection={<IconCheck size="1em" aria-hidden />} data-testid={`recon-lot-balanced-${l.lot}`}>
                      {t('reconciliation.lots.balancedYes')}
                    </Badge>
                  ) : (
                    <Badge size="lg" color="red" variant="filled" leftSection={<IconX size="1em" aria-hidden />} data-testid={`recon-lot-balanced-${l.lot}`}>
                      {t('reconciliation.lots.balancedNo')}
                    </Badge>
                  )}
                  <Text size="xs" c="dimmed" mt={4}>
                    {t('reconciliation.lots.equation', { received: l.received, onHand: l.onHand, withPatient: l.withPatient, destroyed: l.destroyed, lost: l.lostAfterReceipt })}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
