import { Alert, List, Stack, Text } from '@mantine/core';
import { IconEyeCheck, IconEyeExclamation, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { RiskAnalysisView } from '../../../shared/contract/allocation';

export type RiskAnalysis = z.output<typeof RiskAnalysisView>;

/**
 * The blinded lot and common date the labels take: one pair for a study without kit types, one per kit type otherwise
 * (each type's kits are compared with each other only: shared/allocation/studyRisk.ts).
 */
export function blindedValuesOf(risk: RiskAnalysis): Array<{ kitType: string | null; blindedLot: string | null; commonUseBefore: string | null }> {
  return risk.byKitType ?? [{ kitType: null, blindedLot: risk.blindedLot, commonUseBefore: risk.commonUseBefore }];
}
type Finding = RiskAnalysis['findings'][number];

type ArmMix = Extract<Finding, { kind: 'value_arm_mix' }>['mix'];

/** The words for each finding, in the user's language. Findings name arms: this panel is for the unblinded only. */
function useFindingText() {
  const { t, i18n } = useTranslation();
  const list = (items: string[]) => new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(items);
  const decimal = (n: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(n);
  /** "40 DUPI300 and 1 PLACEBO", and "27.3 and 13.7" expected, in the same order. */
  const mixOf = (mix: ArmMix) => ({
    mix: list(mix.map((m) => t('setup.risk.armCount', { count: m.kits, arm: m.arm }))),
    expected: list(mix.map((m) => decimal(m.expected))),
  });
  const subject = (attribute: 'kit_number' | 'serial') => t(attribute === 'kit_number' ? 'setup.risk.subject.kitNumbers' : 'setup.risk.subject.serials');
  return (finding: Finding): string => {
    switch (finding.kind) {
      case 'number_runs':
        return t(finding.pattern === 'clustered' ? 'setup.risk.runs' : 'setup.risk.alternation', {
          subject: subject(finding.attribute),
          count: finding.runs,
          expected: decimal(finding.expectedRuns),
          longest: finding.longestRun,
        });
      case 'number_ranges':
        return t(finding.attribute === 'kit_number' ? 'setup.risk.ranges' : 'setup.risk.serialRanges', { arm: finding.arm, from: finding.from, to: finding.to });
      case 'number_residue': {
        const of = finding.attribute === 'kit_number' ? 'kitNumber' : 'serial';
        const which =
          finding.modulus === 2
            ? t(finding.residue === 0 ? `setup.risk.residue.${of}.even` : `setup.risk.residue.${of}.odd`)
            : finding.modulus === 10
              ? t(`setup.risk.residue.${of}.lastDigit`, { digit: finding.residue })
              : t(`setup.risk.residue.${of}.remainder`, { modulus: finding.modulus, residue: finding.residue });
        return t('setup.risk.residueMix', { which, count: finding.kits, ...mixOf(finding.mix) });
      }
      case 'number_block':
        return t('setup.risk.blockMix', { subject: subject(finding.attribute), from: finding.from, to: finding.to, count: finding.kits, ...mixOf(finding.mix) });
      case 'arm_only_lot':
        return t('setup.risk.armOnlyLot', { lot: finding.lot, arm: finding.arm, count: finding.kits });
      case 'arm_only_expiry':
        return t('setup.risk.armOnlyExpiry', { date: finding.expiryDate, arm: finding.arm, count: finding.kits });
      case 'arm_only_gtin':
        return finding.gtin === ''
          ? t('setup.risk.armOnlyNoGtin', { arm: finding.arm, count: finding.kits })
          : t('setup.risk.armOnlyGtin', { gtin: finding.gtin, arm: finding.arm, count: finding.kits });
      case 'value_arm_mix': {
        const which =
          finding.attribute === 'lot'
            ? t('setup.risk.value.lot', { value: finding.value })
            : finding.attribute === 'expiry_date'
              ? t('setup.risk.value.expiry', { value: finding.value })
              : finding.attribute === 'gtin'
                ? finding.value === ''
                  ? t('setup.risk.value.noGtin')
                  : t('setup.risk.value.gtin', { value: finding.value })
                : finding.value === ''
                  ? t('setup.risk.value.noSerial')
                  : t('setup.risk.value.serial', { value: finding.value });
        return t('setup.risk.valueMix', { which, count: finding.kits, ...mixOf(finding.mix) });
      }
    }
  };
}

/**
 * The blinding risk analysis of a kit list (DESIGN.md section 3.4), in plain words for the unblinded pharmacist: what in
 * the kit numbers, lots, expiry dates, serials or GTINs would reveal an arm, and what Veil shows blinded staff and
 * labels instead.
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
              {f.kitType ? t('setup.risk.ofKitType', { type: f.kitType, text: text(f) }) : text(f)}
            </List.Item>
          ))}
        </List>
        <Stack gap={4} data-testid="risk-remedies">
          <Text fw={700}>
            <IconEyeCheck size="1.1em" aria-hidden style={{ verticalAlign: '-0.2em', marginRight: '0.3em' }} />
            {t('setup.risk.remediesTitle')}
          </Text>
          {blindedValuesOf(risk).map(({ kitType, blindedLot, commonUseBefore }) => {
            const said = (line: string) => (kitType ? t('setup.risk.ofKitType', { type: kitType, text: line }) : line);
            return (
              <Stack gap={4} key={kitType ?? ''}>
                {blindedLot && <Text data-testid="risk-blinded-lot">{said(t('setup.risk.blindedLot', { lot: blindedLot }))}</Text>}
                {commonUseBefore && <Text data-testid="risk-use-before">{said(t('setup.risk.useBefore', { date: commonUseBefore }))}</Text>}
              </Stack>
            );
          })}
          {!risk.lotsReveal && !risk.expiryReveals && <Text>{t('setup.risk.numbersOnly')}</Text>}
          {risk.findings.some((f) => f.kind.startsWith('number_') && 'attribute' in f && f.attribute === 'kit_number') && <Text>{t('setup.risk.numbersAdvice')}</Text>}
          {risk.findings.some((f) => f.kind === 'arm_only_gtin' || ('attribute' in f && (f.attribute === 'serial' || f.attribute === 'gtin'))) && (
            <Text>{t('setup.risk.packAdvice')}</Text>
          )}
        </Stack>
      </Stack>
    </Alert>
  );
}
