import { ActionIcon, Button, Group, Loader, Modal, SegmentedControl, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconEye, IconRefresh, IconSearch, IconTags } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { TranslatedErrorAlert } from '../common/TranslatedErrorAlert';
import { WindowedTableRows } from '../common/WindowedTableBodies';
import { translateServerMessage } from '../i18n/serverMessages';
import { LabelActions } from './LabelActions';
import { LabelCard } from './LabelCard';
import { LABEL_KINDS, type LabelKind, type LabelPrintState, type LabelQueueItem } from './labelTypes';
import { useLabelQueue } from './useLabelQueue';

/** The labels of one dispensed kit, as one row of the queue. */
interface KitRow {
  kitNumber: string;
  patient: string;
  visit: string;
  dispensedAt: string;
  labels: Record<LabelKind, LabelPrintState | null>;
  pending: number;
}

function byKit(items: readonly LabelQueueItem[]): KitRow[] {
  const rows = new Map<string, KitRow>();
  for (const item of items) {
    const row = rows.get(item.kitNumber) ?? { kitNumber: item.kitNumber, patient: item.patient, visit: item.visit, dispensedAt: item.dispensedAt, labels: { carton: null, syringe: null }, pending: 0 };
    row.labels[item.kind] = { prints: item.prints, lastPrintedAt: item.lastPrintedAt };
    if (item.prints === 0) row.pending++;
    rows.set(item.kitNumber, row);
  }
  // Kits with a label still to print first, then the printed ones; in each, the latest dispensing first (the kit just
  // handed over is the one whose label is wanted now).
  return [...rows.values()].sort((a, b) => (a.pending > 0 ? 0 : 1) - (b.pending > 0 ? 0 : 1) || b.dispensedAt.localeCompare(a.dispensedAt) || a.kitNumber.localeCompare(b.kitNumber));
}

/**
 * The label queue: the blinded labels of every dispensed kit, those still to print first, with their previews, print
 * and reprint (a reprint asks for its reason). Used by the pharmacist on Dispense and by the technician on Receive
 * (labels.print), who reprints a torn or lost label without being able to dispense.
 */
export function LabelQueue() {
  const { t, i18n } = useTranslation();
  const queue = useLabelQueue();
  const [show, setShow] = useState<'all' | 'pending'>('all');
  const [search, setSearch] = useState('');
  const [previewed, setPreviewed] = useState<string | null>(null);

  const rows = byKit(queue.items ?? []);
  const pendingLabels = (queue.items ?? []).filter((i) => i.prints === 0).length;
  const needle = search.trim().toLowerCase();
  const shown = rows.filter((r) => (show === 'all' || r.pending > 0) && (!needle || r.kitNumber.toLowerCase().includes(needle) || r.patient.toLowerCase().includes(needle)));
  const reload = () => void queue.reload();
  const previewedRow = rows.find((r) => r.kitNumber === previewed) ?? null;

  return (
    <Stack gap="md" data-testid="label-queue" data-pending={queue.items ? pendingLabels : ''}>
      <Stack gap={2}>
        <Title order={2} fz="h3">
          <IconTags size="1.1em" aria-hidden style={{ verticalAlign: '-0.15em', marginRight: '0.4em' }} />
          {t('dispense.queue.title')}
        </Title>
        <Text c="dimmed">{t('dispense.queue.intro')}</Text>
      </Stack>
      <TranslatedErrorAlert error={queue.error} translate={translateServerMessage} />

      {queue.items === null ? (
        !queue.error && <Loader />
      ) : (
        <>
          <Group gap="md" align="flex-end">
            <SegmentedControl
              value={show}
              onChange={(v) => setShow(v as 'all' | 'pending')}
              data={[
                { value: 'all', label: t('dispense.queue.all', { count: rows.length }) },
                { value: 'pending', label: t('dispense.queue.pending', { count: pendingLabels }) },
              ]}
              data-testid="label-queue-show"
            />
            <TextInput
              placeholder={t('dispense.queue.search')}
              aria-label={t('dispense.queue.search')}
              leftSection={<IconSearch size="1em" aria-hidden />}
              value={search}
              onChange={(e) => setSearch(e.currentTarget.value)}
              data-testid="label-queue-search"
            />
            <Button variant="default" leftSection={<IconRefresh size="1.1em" aria-hidden />} onClick={reload} loading={queue.busy} ml="auto" data-testid="label-queue-reload">
              {t('dispense.queue.reload')}
            </Button>
          </Group>
          {shown.length === 0 ? (
            <Text c="dimmed" data-testid="label-queue-empty">
              {rows.length === 0 ? t('dispense.queue.empty') : show === 'pending' && !needle ? t('dispense.queue.nonePending') : t('dispense.queue.noMatch')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table striped verticalSpacing="sm" data-testid="label-queue-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('dispense.queue.kit')}</Table.Th>
                    <Table.Th>{t('dispense.queue.dispensedTo')}</Table.Th>
                    {LABEL_KINDS.map((kind) => (
                      <Table.Th key={kind}>{t(`dispense.labels.kind.${kind}`)}</Table.Th>
                    ))}
                    <Table.Th>
                      <VisuallyHidden>{t('dispense.queue.preview')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  <WindowedTableRows
                    items={shown}
                    itemKey={(row) => row.kitNumber}
                    columns={3 + LABEL_KINDS.length}
                    estimateHeight={72}
                    renderRow={(row, measure, index) => (
                      <Table.Tr key={row.kitNumber} ref={measure} data-index={index} data-testid={`label-row-${row.kitNumber}`} data-pending={row.pending}>
                        <Table.Td>
                          <Text ff="monospace" fw={800} fz="md">
                            {row.kitNumber}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text fw={700} ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                            {t('dispense.queue.patientVisit', { patient: row.patient, visit: row.visit })}
                          </Text>
                          <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                            {formatDateTime(row.dispensedAt, i18n.language)}
                          </Text>
                        </Table.Td>
                        {LABEL_KINDS.map((kind) => (
                          <Table.Td key={kind} style={{ whiteSpace: 'nowrap' }}>
                            <LabelActions kitNumber={row.kitNumber} kind={kind} state={row.labels[kind]} onPrinted={reload} compact />
                          </Table.Td>
                        ))}
                        <Table.Td>
                          <Tooltip label={t('dispense.queue.preview')}>
                            <ActionIcon size="lg" variant="subtle" aria-label={t('dispense.queue.previewKit', { kit: row.kitNumber })} onClick={() => setPreviewed(row.kitNumber)} data-testid={`label-preview-open-${row.kitNumber}`}>
                              <IconEye size="1.3em" aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  />
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}

      {previewedRow && (
        <Modal opened onClose={() => setPreviewed(null)} title={t('dispense.queue.previewTitle', { kit: previewedRow.kitNumber, patient: previewedRow.patient, visit: previewedRow.visit })} size={880} data-testid="label-preview-modal">
          <Stack gap="lg" data-testid="label-preview-modal-body">
            {LABEL_KINDS.map((kind) => (
              <LabelCard key={kind} kitNumber={previewedRow.kitNumber} kind={kind} state={previewedRow.labels[kind]} onPrinted={reload} />
            ))}
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
