import { Group, Text } from '@mantine/core';
import { IconSignature } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { translateMeaning } from './signatureMeaning';
import { formatUtc } from './utcTime';

export interface SignatureShown {
  printedName: string;
  meaning: string;
  signedAtUtc: string;
}

/**
 * A signature shown with its record (21 CFR 11.50): the signer's printed name, the date and time in UTC, and the
 * meaning, in words. Use wherever a signed record is shown.
 */
export function SignedBy({ signature, size = 'sm', testId = 'signed-by' }: { signature: SignatureShown; size?: 'xs' | 'sm' | 'md'; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap" align="flex-start" data-testid={testId}>
      <IconSignature size="1.1em" aria-hidden style={{ flexShrink: 0, marginTop: '0.15em' }} />
      <Text size={size}>
        {t('setup.signature.signedBy', { name: signature.printedName, time: formatUtc(signature.signedAtUtc) })}{' '}
        <Text span size={size} fs="italic">
          {t('setup.signature.quoted', { meaning: translateMeaning(signature.meaning, t) })}
        </Text>
      </Text>
    </Group>
  );
}
