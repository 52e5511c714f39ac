import { Badge, Button, Group, Image, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { IconEye, IconFileTypePdf, IconPrinter } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { downloadBase64 } from '../common/download';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useVeilAction } from '../common/useVeilAction';
import { client } from '../transport/client';

type OverLabel = ChannelOutput<'lots.overLabels'>[number];
type Preview = ChannelOutput<'lots.overLabelPreview'>;

/**
 * The over-labels an expiry extension left to print (issue 16, item 2): each kit on the shelf whose blinded use-before
 * date moved, the new date its over-label carries, printed or not. Each can be looked at (the PNG the printer prints),
 * downloaded as PDF (not a print) or printed on the syringe labels' printer; it counts as printed when the printer
 * confirms. Kit numbers and blinded dates only.
 */
export function OverLabelList() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<OverLabel[] | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [printProblem, setPrintProblem] = useState<string | null>(null);
  const action = useVeilAction();
  const { run } = action;

  const load = useCallback(async () => {
    const r = await run(() => client.lots.overLabels({}));
    if (r.ok) setItems(r.value);
  }, [run]);

  useEffect(() => {
    void load();
  }, [load]);

  async function print(kitNumber: string) {
    setPrintProblem(null);
    const r = await run(() => client.lots.printOverLabel({ kitNumber }));
    if (r.ok && !r.value.printed) setPrintProblem(t('lots.overLabels.notPrinted', { kit: kitNumber, error: r.value.error ?? '' }));
    await load();
  }

  async function pdf(kitNumber: string) {
    const r = await run(() => client.lots.overLabelDownload({ kitNumber, format: 'pdf' }));
    if (r.ok) downloadBase64(r.value.fileName, r.value.mime, r.value.base64);
  }

  async function look(kitNumber: string) {
    const r = await run(() => client.lots.overLabelPreview({ kitNumber }));
    if (r.ok) setPreview(r.value);
  }

  const pending = items?.filter((o) => !o.printed).length ?? 0;
  return (
    <Stack gap="sm" data-testid="over-labels">
      <Group gap="sm">
        <Title order={3} fz="h4">
          {t('lots.overLabels.title')}
        </Title>
        {items && (
          <Badge color={pending > 0 ? 'orange' : 'teal'} variant="light" data-testid="over-labels-pending">
            {t('lots.overLabels.pending', { count: pending })}
          </Badge>
        )}
      </Group>
      <ErrorAlert error={action.error} testId="over-labels-error" />
      {printProblem && (
        <Text c="red.8" role="alert" data-testid="over-labels-print-problem">
          {printProblem}
        </Text>
      )}
      {items && items.length === 0 && <Text c="dimmed">{t('lots.overLabels.none')}</Text>}
      {items && items.length > 0 && (
        <Table withTableBorder data-testid="over-labels-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('lots.overLabels.kit')}</Table.Th>
              <Table.Th>{t('lots.overLabels.useBefore')}</Table.Th>
              <Table.Th>{t('lots.overLabels.state')}</Table.Th>
              <Table.Th>{t('lots.overLabels.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((o) => (
              <Table.Tr key={`${o.kitNumber} ${o.queuedAt}`} data-testid={`over-label-${o.kitNumber}`}>
                <Table.Td ff="monospace">{o.kitNumber}</Table.Td>
                <Table.Td>{o.useBefore}</Table.Td>
                {/* The state in full, in either language: the actions wrap before the badge is cut. */}
                <Table.Td>
                  {o.printed ? (
                    <Badge color="teal" variant="light" miw="max-content">
                      {t('lots.overLabels.printed', { when: formatDateTime(o.printedAt!, i18n.language) })}
                    </Badge>
                  ) : (
                    <Badge color="orange" variant="light" miw="max-content">
                      {t('lots.overLabels.toPrint')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Button size="xs" variant="default" leftSection={<IconEye size="1em" aria-hidden />} onClick={() => void look(o.kitNumber)} data-testid={`over-label-look-${o.kitNumber}`}>
                      {t('lots.overLabels.look')}
                    </Button>
                    <Button size="xs" variant="default" leftSection={<IconFileTypePdf size="1em" aria-hidden />} onClick={() => void pdf(o.kitNumber)}>
                      {t('lots.overLabels.pdf')}
                    </Button>
                    <Button size="xs" leftSection={<IconPrinter size="1em" aria-hidden />} loading={action.busy} onClick={() => void print(o.kitNumber)} data-testid={`over-label-print-${o.kitNumber}`}>
                      {o.printed ? t('lots.overLabels.printAgain') : t('lots.overLabels.print')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={preview !== null} onClose={() => setPreview(null)} title={t('lots.overLabels.previewTitle', { kit: preview?.kitNumber ?? '' })} size="lg">
        {preview && (
          <Stack gap="xs" data-testid="over-label-preview">
            <Image src={`data:image/png;base64,${preview.pngBase64}`} alt={t('lots.overLabels.previewAlt', { kit: preview.kitNumber, date: preview.useBefore })} w={`${preview.widthMm * 4}px`} style={{ border: '1px solid var(--mantine-color-gray-5)' }} />
            <Text c="dimmed">{t('lots.overLabels.previewNote', { width: preview.widthMm.toFixed(0), height: preview.heightMm.toFixed(0) })}</Text>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
