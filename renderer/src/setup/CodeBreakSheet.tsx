import { Alert, Button, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconPrinter } from '@tabler/icons-react';
import { Fragment, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignatureShown } from '../common/SignedBy';
import { formatUtc } from '../common/utcTime';
import { passphraseGroups } from '../../../shared/security/codeBreakPassphrase';
import { useSystemInfo } from '../system/SystemInfoContext';

export interface CodeBreakShown {
  passphrase: string;
  signature: SignatureShown;
}

/**
 * The emergency code-break passphrase, shown once after the allocation key is created (DESIGN.md section 3.3), as a
 * sheet for the investigator's sealed envelope. Print prints this sheet only (print.css); Veil keeps no copy.
 */
export function CodeBreakSheet({ shown, onDone }: { shown: CodeBreakShown; onDone: () => void }) {
  const { t } = useTranslation();
  const info = useSystemInfo();
  const sheetRef = useRef<HTMLDivElement>(null);
  // Shown once: brought into view (and focus, for screen readers) as soon as it appears, and again once the signature
  // dialog has finished closing (it gives focus back to the button that opened it).
  useEffect(() => {
    const show = () => {
      sheetRef.current?.focus({ preventScroll: true });
      sheetRef.current?.scrollIntoView?.({ block: 'start' });
    };
    show();
    const again = window.setTimeout(show, 400);
    return () => window.clearTimeout(again);
  }, []);
  return (
    <Paper ref={sheetRef} tabIndex={-1} withBorder radius="md" p="lg" className="veil-print-block" style={{ scrollMarginTop: 96 }} data-testid="code-break-sheet">
      <Stack gap="md">
        <Alert
          className="veil-no-print"
          variant="filled"
          color="red.8"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('setup.codeBreak.onceTitle')}
          data-testid="code-break-warning"
        >
          {t('setup.codeBreak.onceBody')}
        </Alert>
        <Title order={2} fz="h3">
          {t('setup.codeBreak.sheetTitle')}
        </Title>
        {info?.study && (
          <Text>
            {t('setup.codeBreak.study', { code: info.study.code, title: info.study.title, sponsor: info.study.sponsor })}
          </Text>
        )}
        <Stack gap={4}>
          <Text fw={700}>{t('setup.codeBreak.passphraseLabel')}</Text>
          {/* Groups of 4 for reading aloud (issue 11, item 9); a line breaks only between groups, never inside one. */}
          <Text ff="monospace" fz={30} fw={700} lh={1.4} style={{ letterSpacing: '0.04em' }} data-testid="code-break-passphrase">
            {passphraseGroups(shown.passphrase).map((group, i) => (
              <Fragment key={i}>
                {i > 0 && (
                  <>
                    -<wbr />
                  </>
                )}
                <span style={{ whiteSpace: 'nowrap' }}>{group}</span>
              </Fragment>
            ))}
          </Text>
          <Text size="sm">{t('setup.codeBreak.groups')}</Text>
        </Stack>
        <Text>{t('setup.codeBreak.createdBy', { name: shown.signature.printedName, time: formatUtc(shown.signature.signedAtUtc) })}</Text>
        <Divider />
        <Stack gap={4}>
          <Text fw={700}>{t('setup.codeBreak.instructionsTitle')}</Text>
          <Text>{t('setup.codeBreak.instructions')}</Text>
          <Text>{t('setup.codeBreak.use')}</Text>
        </Stack>
        <Stack gap="lg" mt="sm">
          <Text>{t('setup.codeBreak.sealedBy')} ______________________________</Text>
          <Text>{t('setup.codeBreak.receivedBy')} ______________________________</Text>
        </Stack>
        <Group className="veil-no-print" justify="flex-end">
          <Button leftSection={<IconPrinter size="1.1em" aria-hidden />} onClick={() => window.print()} data-testid="code-break-print">
            {t('setup.codeBreak.print')}
          </Button>
          <Button variant="default" leftSection={<IconCheck size="1.1em" aria-hidden />} onClick={onDone} data-testid="code-break-done">
            {t('setup.codeBreak.done')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
