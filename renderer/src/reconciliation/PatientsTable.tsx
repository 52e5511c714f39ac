import { Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { WindowedTableRows } from '../common/WindowedTableBodies';
import type { PatientLine } from './types';

/**
 * Per patient: kits dispensed and what came back, overdue returns, and compliance (used kits out of the returns
 * recorded, in percent; none before the first return).
 */
export function PatientsTable({ patients }: { patients: PatientLine[] }) {
  const { t } = useTranslation();
  if (patients.length === 0) return <Text c="dimmed">{t('reconciliation.patients.none')}</Text>;
  return (
    <Stack gap="sm" data-testid="recon-patients">
      <Text c="dimmed">{t('reconciliation.patients.explain')}</Text>
      {/* Focusable: a keyboard user can scroll it sideways when the screen is narrower than the table (WCAG 2.1.1). */}
      <Table.ScrollContainer minWidth={760} type="native" tabIndex={0}>
        <Table striped verticalSpacing="sm" data-testid="recon-patients-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reconciliation.patients.columns.patient')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.patients.columns.compliance')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.patients.columns.dispensed')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.patients.columns.returns')}</Table.Th>
              <Table.Th ta="right">{t('returns.condition.used')}</Table.Th>
              <Table.Th ta="right">{t('returns.condition.partly_used')}</Table.Th>
              <Table.Th ta="right">{t('returns.condition.unused')}</Table.Th>
              <Table.Th ta="right">{t('returns.condition.damaged')}</Table.Th>
              <Table.Th ta="right">{t('returns.condition.missing')}</Table.Th>
              <Table.Th ta="right">{t('reconciliation.patients.columns.overdue')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <WindowedTableRows
              items={patients}
              itemKey={(p) => p.screeningNumber}
              columns={10}
              estimateHeight={46}
              renderRow={(p, measure, index) => (
                <Table.Tr key={p.screeningNumber} ref={measure} data-index={index} data-testid={`recon-patient-${p.screeningNumber}`} data-compliance={p.compliancePercent ?? ''}>
                  <Table.Td>
                    <Text fw={700}>{p.screeningNumber}</Text>
                  </Table.Td>
                  <Table.Td ta="right" data-testid={`recon-compliance-${p.screeningNumber}`}>
                    {p.compliancePercent === null ? (
                      <Text span size="sm" c="dimmed">
                        {t('reconciliation.patients.noReturnYet')}
                      </Text>
                    ) : (
                      <Text span fw={700}>
                        {t('reconciliation.patients.percent', { value: p.compliancePercent })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{p.dispensed}</Table.Td>
                  <Table.Td ta="right">{p.returnsRecorded}</Table.Td>
                  <Table.Td ta="right">{p.used}</Table.Td>
                  <Table.Td ta="right">{p.partlyUsed}</Table.Td>
                  <Table.Td ta="right">{p.unused}</Table.Td>
                  <Table.Td ta="right">{p.damaged}</Table.Td>
                  <Table.Td ta="right">{p.missing}</Table.Td>
                  <Table.Td ta="right">
                    {p.overdue > 0 ? (
                      <Text span fw={700} c="orange.9">
                        <IconAlertTriangle size="0.9em" aria-hidden /> {t('reconciliation.patients.overdue', { count: p.overdue })}
                      </Text>
                    ) : (
                      '0'
                    )}
                  </Table.Td>
                </Table.Tr>
              )}
            />
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
