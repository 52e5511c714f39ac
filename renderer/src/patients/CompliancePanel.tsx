import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { IconPill } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { ROLE_PERMISSIONS } from '../../../shared/roles';
import { formatDate } from '../common/dates';
import { useActiveSession } from '../session/SessionContext';
import { client } from '../transport/client';

type Compliance = ChannelOutput<'returns.compliance'>;

/**
 * Tablet compliance per dispensing interval (a study whose bottles have a daily dose, such as BRAVE-AA2): for each
 * interval and bottle type, the tablets given, counted back, taken, and what one a day over the interval takes. The
 * same for every arm (double-dummy), so blinded readers see it too. Nothing shows for a study without a daily dose.
 */
export function CompliancePanel({ patientId }: { patientId: number }) {
  const { t, i18n } = useTranslation();
  const session = useActiveSession();
  const [compliance, setCompliance] = useState<Compliance | null>(null);
  const allowed = ROLE_PERMISSIONS[session.user.role].includes('returns.read');

  useEffect(() => {
    if (!allowed) return;
    let current = true;
    // A supplement to the patient's page: if it cannot be read, the page shows what it has without it.
    client.returns.compliance({ patientId }).then(
      (answer) => current && setCompliance(answer),
      () => current && setCompliance(null),
    );
    return () => {
      current = false;
    };
  }, [patientId, allowed]);

  if (!compliance || compliance.intervals.length === 0) return null;
  const number = (n: number | null) => (n === null ? '—' : String(n));
  return (
    <Stack gap="xs" data-testid="compliance">
      <Title order={2} fz="h3">
        <IconPill size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.3em' }} />
        {t('patients.compliance.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('patients.compliance.hint')}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('patients.compliance.interval')}</Table.Th>
              <Table.Th>{t('patients.compliance.kitType')}</Table.Th>
              <Table.Th>{t('patients.compliance.given')}</Table.Th>
              <Table.Th>{t('patients.compliance.returned')}</Table.Th>
              <Table.Th>{t('patients.compliance.taken')}</Table.Th>
              <Table.Th>{t('patients.compliance.expected')}</Table.Th>
              <Table.Th>{t('patients.compliance.percent')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {compliance.intervals.flatMap((interval) =>
              interval.byType.map((row, i) => (
                <Table.Tr key={`${interval.visitCode}-${row.kitType}`} data-testid={`compliance-${interval.visitCode}-${i}`} data-percent={row.percent ?? ''} data-state={row.state}>
                  <Table.Td>
                    {i === 0 && (
                      <>
                        <Text fw={700}>{interval.visitCode}</Text>
                        <Text size="sm" c="dimmed" maw={260}>
                          {interval.to
                            ? t('patients.compliance.fromTo', { from: formatDate(interval.from, i18n.language), to: formatDate(interval.to, i18n.language), count: interval.days ?? 0 })
                            : t('patients.compliance.open', { from: formatDate(interval.from, i18n.language) })}
                        </Text>
                      </>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{row.kitType}</Table.Td>
                  <Table.Td>{row.unitsGiven}</Table.Td>
                  <Table.Td>{row.unitsReturned}</Table.Td>
                  <Table.Td>{number(row.unitsTaken)}</Table.Td>
                  <Table.Td>{number(row.unitsExpected)}</Table.Td>
                  <Table.Td>
                    {row.percent !== null ? (
                      <Text fw={700}>{t('patients.compliance.percentValue', { percent: row.percent })}</Text>
                    ) : (
                      <Badge variant="light" color={row.state === 'kit_missing' ? 'orange.9' : 'gray'}>
                        {t(`patients.compliance.state.${row.state}`)}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              )),
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
