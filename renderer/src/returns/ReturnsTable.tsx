import { Alert, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconChecks, IconCircleCheck, IconEdit, IconHourglassHigh, IconKeyboard, IconScan, IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { ScanField, type ScanSourceValue } from '../common/scan/ScanField';
import { playScanSound } from '../common/scan/scanSounds';
import { useSignedAction } from '../common/SignatureDialog';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { WindowedTableRows } from '../common/WindowedTableBodies';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';
import { ConditionBadge } from './ConditionBadge';
import { EditReturnModal } from './EditReturnModal';
import { returnsMessage } from './returnsMessages';
import type { ReturnRow } from './types';

type Filter = 'all' | 'unverified' | 'verified';

/**
 * Every return recorded, per kit, with its verification. A monitor selects returns checked against the physical kits
 * and verifies them; whoever records returns can correct one, with a reason (which removes its verification).
 */
export function ReturnsTable({ returns, canVerify, canCorrect, onChanged }: { returns: ReturnRow[]; canVerify: boolean; canCorrect: boolean; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<Filter>(canVerify ? 'unverified' : 'all');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<ReturnRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const verify = useVeilAction();
  const signer = useSignedAction();

  const unverified = returns.filter((r) => !r.verifiedAt);
  // A kit recorded as missing has nothing to check against: never verified, its discrepancy is commented at sign-off.
  const verifiable = unverified.filter((r) => r.condition !== 'missing');
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return returns
      .filter(
        (r) =>
          (filter === 'all' || (filter === 'unverified') === !r.verifiedAt) &&
          (!needle || r.kitNumber.toLowerCase().includes(needle) || r.screeningNumber.toLowerCase().includes(needle)),
      )
      .sort((a, b) => (a.returnedAt === b.returnedAt ? a.kitNumber.localeCompare(b.kitNumber) : a.returnedAt < b.returnedAt ? 1 : -1));
  }, [returns, filter, search]);
  const shownUnverified = shown.filter((r) => !r.verifiedAt && r.condition !== 'missing');
  const selectedNow = [...selected].filter((k) => verifiable.some((r) => r.kitNumber === k));

  function toggle(kitNumber: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(kitNumber);
      else next.delete(kitNumber);
      return next;
    });
  }

  /** Bulk verification: one e-signature over the list of returns checked (the missing ones are never in it). */
  async function verifySelected() {
    const kitNumbers = selectedNow;
    if (kitNumbers.length === 0) return;
    setNotice(null);
    const answer = await signer.sign('returns.verify', (signature) => client.returns.verify({ kitNumbers, signature }), {
      summary: (
        <Stack gap={4} data-testid="verify-summary">
          <Text>{t('returns.verify.summary', { count: kitNumbers.length })}</Text>
          <Text ff="monospace" size="sm">
            {kitNumbers.join(', ')}
          </Text>
        </Stack>
      ),
    });
    if (answer) {
      setSelected(new Set());
      setNotice(t('returns.verify.done', { count: answer.length }));
      onChanged();
    }
  }

  /** Kit by kit: the monitor scans the physical kit; the scan is the check. */
  const onVerifyScan = useCallback(
    async (code: string, source: ScanSourceValue) => {
      setNotice(null);
      const result = await verify.run(() => client.returns.verifyScan({ code, source }));
      if (result.ok) {
        playScanSound('success');
        setNotice(t('returns.verify.scanned', { kit: result.value.kitNumber, patient: result.value.screeningNumber }));
        onChanged();
      } else playScanSound('refusal');
    },
    [verify, t, onChanged],
  );

  return (
    <Stack gap="md" data-testid="returns-list">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2} fz="h3">
            {t('returns.list.title')}
          </Title>
          <Text c="dimmed" data-testid="returns-summary">
            {t('returns.list.summary', { count: returns.length, unverified: t('returns.list.unverified', { count: unverified.length }) })}
          </Text>
        </Stack>
        <Group gap="sm" wrap="wrap">
          <TextInput
            placeholder={t('returns.list.search')}
            aria-label={t('returns.list.search')}
            leftSection={<IconSearch size="1em" aria-hidden />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            data-testid="returns-search"
          />
          <SegmentedControl
            value={filter}
            onChange={(v) => setFilter(v as Filter)}
            data={[
              { value: 'all', label: t('returns.list.filterAll') },
              { value: 'unverified', label: t('returns.list.filterUnverified') },
              { value: 'verified', label: t('returns.list.filterVerified') },
            ]}
            data-testid="returns-filter"
          />
        </Group>
      </Group>

      {canVerify && (
        <Paper withBorder p="md" radius="md" data-testid="verify-bar">
          <Stack gap="sm">
            <ScanField
              label={t('returns.verify.scanLabel')}
              description={t('returns.verify.scanHint')}
              placeholder={t('returns.record.scanPlaceholder')}
              onScan={(code, source) => void onVerifyScan(code, source)}
              busy={verify.busy}
              keepFocus={!signer.signing}
              testId="returns-verify-scan"
            />
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Text>{t('returns.verify.hint')}</Text>
              <Group gap="sm">
                <Button variant="default" onClick={() => setSelected(new Set(verifiable.map((r) => r.kitNumber)))} disabled={verifiable.length === 0} data-testid="returns-select-unverified">
                  {t('returns.verify.selectAll')}
                </Button>
                <Button leftSection={<IconChecks size="1.1em" aria-hidden />} onClick={() => void verifySelected()} disabled={selectedNow.length === 0} loading={signer.signing} data-testid="returns-verify">
                  {t('returns.verify.submit', { count: selectedNow.length })}
                </Button>
              </Group>
            </Group>
            {unverified.length > verifiable.length && (
              <Text size="sm" c="dimmed" data-testid="returns-missing-excluded">
                {t('returns.verify.missingExcluded', { count: unverified.length - verifiable.length })}
              </Text>
            )}
          </Stack>
        </Paper>
      )}
      <TranslatedErrorAlert error={verify.error} translate={returnsMessage} />
      {notice && (
        <Alert color="teal" variant="light" icon={<IconCircleCheck aria-hidden />} withCloseButton onClose={() => setNotice(null)} data-testid="returns-notice">
          {notice}
        </Alert>
      )}

      {shown.length === 0 ? (
        <Text c="dimmed" data-testid="returns-empty">
          {returns.length === 0 ? t('returns.list.none') : t('returns.list.noneShown')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760} type="native">
          <Table striped verticalSpacing="xs" data-testid="returns-table">
            <Table.Thead>
              <Table.Tr>
                {canVerify && (
                  <Table.Th w={44}>
                    <Checkbox
                      aria-label={t('returns.verify.selectShown')}
                      checked={shownUnverified.length > 0 && shownUnverified.every((r) => selected.has(r.kitNumber))}
                      indeterminate={shownUnverified.some((r) => selected.has(r.kitNumber)) && !shownUnverified.every((r) => selected.has(r.kitNumber))}
                      disabled={shownUnverified.length === 0}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setSelected((current) => {
                          const next = new Set(current);
                          for (const r of shownUnverified) {
                            if (on) next.add(r.kitNumber);
                            else next.delete(r.kitNumber);
                          }
                          return next;
                        });
                      }}
                      data-testid="returns-select-shown"
                    />
                  </Table.Th>
                )}
                <Table.Th>{t('returns.columns.kitAndPatient')}</Table.Th>
                <Table.Th>{t('returns.columns.returnedAt')}</Table.Th>
                <Table.Th>{t('returns.columns.condition')}</Table.Th>
                <Table.Th>{t('returns.columns.verification')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <WindowedTableRows
                items={shown}
                itemKey={(r) => r.kitNumber}
                columns={canVerify ? 5 : 4}
                estimateHeight={76}
                renderRow={(r, measure, index) => (
                  <Table.Tr key={r.kitNumber} ref={measure} data-index={index} data-testid={`return-row-${r.kitNumber}`} data-verified={r.verifiedAt ? 'true' : 'false'} data-condition={r.condition}>
                    {canVerify && (
                      <Table.Td>
                        <Checkbox
                          aria-label={t('returns.verify.selectOne', { kit: r.kitNumber })}
                          checked={!r.verifiedAt && selected.has(r.kitNumber)}
                          disabled={!!r.verifiedAt || r.condition === 'missing'}
                          onChange={(e) => toggle(r.kitNumber, e.currentTarget.checked)}
                          data-testid={`return-select-${r.kitNumber}`}
                        />
                      </Table.Td>
                    )}
                    <Table.Td>
                      <Text ff="monospace" fw={700} fz="md">
                        {r.kitNumber}
                      </Text>
                      <Text size="sm" data-testid={`return-patient-${r.kitNumber}`}>
                        {t('returns.list.patient', { patient: r.screeningNumber })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={0}>
                        <Text size="sm">{formatDateTime(r.returnedAt, i18n.language)}</Text>
                        <Group gap={4} wrap="nowrap">
                          {r.source === 'manual' ? <IconKeyboard size="0.9em" aria-hidden /> : <IconScan size="0.9em" aria-hidden />}
                          <Text size="sm" c="dimmed">
                            {r.source === 'manual' || r.source === 'scanner' || r.source === 'keyboard_wedge' ? t(`returns.source.${r.source}`) : r.source}
                          </Text>
                        </Group>
                      </Stack>
                    </Table.Td>
                    <Table.Td className="veil-badges" maw={240}>
                      <Stack gap={2} align="flex-start">
                        <ConditionBadge condition={r.condition} testId={`return-condition-badge-${r.kitNumber}`} />
                        <Text size="sm" data-testid={`return-units-${r.kitNumber}`}>
                          {t('returns.list.unitsBack', { count: r.unitsReturned })}
                          {r.unitsMissing > 0 && (
                            <Text span size="sm" fw={700}>
                              {' · '}
                              {t('returns.list.unitsMissing', { count: r.unitsMissing })}
                            </Text>
                          )}
                        </Text>
                        {r.note && (
                          <Text size="sm" c="dimmed" fs="italic" data-testid={`return-note-${r.kitNumber}`}>
                            {r.note}
                          </Text>
                        )}
                        {canCorrect && (
                          <Button size="compact-sm" variant="default" mt={4} leftSection={<IconEdit size="1em" aria-hidden />} onClick={() => setEditing(r)} aria-label={t('returns.list.correctKit', { kit: r.kitNumber })} data-testid={`return-edit-${r.kitNumber}`}>
                            {t('returns.list.correct')}
                          </Button>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td data-testid={`return-verification-${r.kitNumber}`}>
                      {r.verifiedAt ? (
                        <Group gap={6} wrap="nowrap" align="flex-start">
                          <IconShieldCheck size="1.2em" color="var(--mantine-color-teal-7)" aria-hidden style={{ flexShrink: 0 }} />
                          <Stack gap={0}>
                            <Text size="sm" fw={600}>
                              {t('returns.list.verified')}
                            </Text>
                            <Text size="sm">{r.verifiedBy ?? ''}</Text>
                            <Text size="xs" c="dimmed">
                              {formatDateTime(r.verifiedAt, i18n.language)}
                            </Text>
                          </Stack>
                        </Group>
                      ) : r.condition === 'missing' ? (
                        <Text size="sm" fw={600} data-testid={`return-not-verifiable-${r.kitNumber}`}>
                          {t('returns.list.notVerifiable')}
                        </Text>
                      ) : (
                        <Group gap={6} wrap="nowrap">
                          <IconHourglassHigh size="1.2em" color="var(--mantine-color-orange-7)" aria-hidden />
                          <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                            {t('returns.list.notVerified')}
                          </Text>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                )}
              />
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {signer.dialog}
      {editing && (
        <EditReturnModal
          row={editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            const wasVerified = editing.verifiedAt !== null;
            setEditing(null);
            setNotice(wasVerified ? t('returns.edit.savedVerificationRemoved', { kit: saved.kitNumber }) : t('returns.edit.saved', { kit: saved.kitNumber }));
            onChanged();
          }}
        />
      )}
    </Stack>
  );
}
