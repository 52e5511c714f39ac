import { Alert, List, Stack, Text } from '@mantine/core';
import { IconEyeCheck, IconEyeExclamation, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { RiskAnalysisView } from '../../../shared/contract/allocation';

export type RiskAnalysis = z.output<typeof RiskAnalysisView>;
type Finding = RiskAnalysis['findings'][number];

function useFindingText() {
  const { t } = useTranslation();
  return (finding: Finding): string => {
    switch (finding.kind) {
      case 'kit_number_runs':
        return t('setup.risk.runs', { runs: t('setup.risk.runCount', { count: finding.runs }), expected: finding.expectedRuns, longest: t('setup.risk.longestRun', { count: finding.longestRun }) });
      case 'kit_number_ranges':
        return t('setup.risk.ranges', { arm: finding.arm, from: finding.from, to: finding.to });
      case 'arm_only_lot':
        return t('setup.risk.armOnlyLot', { lot: finding.lot, arm: finding.arm, count: finding.kits });
      case 'arm_only_expiry':
        return t('setup.risk.armOnlyExpiry', { date: finding.expiryDate, arm: finding.arm, count: finding.kits });
    }
  };
}

/**
 * The blinding risk analysis of a kit list (DESIGN.md section 3.4), in plain words for the unblinded pharmacist: what in
 * the kit numbers, lots or expiry dates would reveal an arm, and what Veil shows blinded staff and labels instead.
 */
export function RiskFindings({ risk }: { risk: RiskAnalysis }) {
  const { t } = useTranslation();
  const text = useFindingText();
  if (risk.findings.length === 0) {
    return (
      <Alert variant="light" color="teal" icon={<IconShieldCheck aria-hidden />} title={t('setup.risk.noneTitle')} data-testid="risk-findings" data-findings="0">
        {t('setup.risk.none')}
      </Alert>
    );
  }
  return (
    <Alert
      variant="light"
      color="orange"
      icon={<IconEyeExclamation aria-hidden />}
      title={t('setup.risk.title', { count: risk.findings.length })}
      data-testid="risk-findings"
      data-findings={risk.findings.length}
    >
      <Stack gap="sm">
        <Text>{t('setup.risk.intro')}</Text>
        <List spacing={4} data-testid="risk-finding-list">
          {risk.findings.map((f, i) => (
            <List.Item key={i} data-kind={f.kind}>
              {text(f)}
            </List.Item>
          ))}
        </List>
        <Stack gap={4} data-testid="risk-remedies">
          <Text fw={700}>
            <IconEyeCheck size="1.1em" aria-hidden style={{ verticalAlign: '-0.2em', marginRight: '0.3em' }} />
            {t('setup.risk.remediesTitle')}
          </Text>
          {risk.lotsReveal && risk.blindedLot && <Text data-testid="risk-blinded-lot">{t('setup.risk.blindedLot', { lot: risk.blindedLot })}</Text>}
          {risk.expiryReveals && risk.commonUseBefore && (
            <Text data-testid="risk-use-before">{t('setup.risk.useBefore', { date: risk.commonUseBefore })}</Text>
          )}
          {!risk.lotsReveal && !risk.expiryReveals && <Text>{t('setup.risk.numbersOnly')}</Text>}
          {risk.findings.some((f) => f.kind === 'kit_number_runs' || f.kind === 'kit_number_ranges') && <Text>{t('setup.risk.numbersAdvice')}</Text>}
        </Stack>
      </Stack>
    </Alert>
  );
}
