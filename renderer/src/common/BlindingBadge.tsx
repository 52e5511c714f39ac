import { Badge } from '@mantine/core';
import { IconEye, IconEyeOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Blinded or unblinded, said with an icon and a word, never by colour alone. */
export function BlindingBadge({ blinded, size = 'lg', testId = 'blinding-badge' }: { blinded: boolean; size?: 'sm' | 'md' | 'lg' | 'xl'; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      size={size}
      variant={blinded ? 'light' : 'filled'}
      color={blinded ? 'indigo' : 'orange.9'}
      leftSection={blinded ? <IconEyeOff size="1em" aria-hidden /> : <IconEye size="1em" aria-hidden />}
      data-testid={testId}
      data-blinded={blinded ? 'true' : 'false'}
    >
      {blinded ? t('blinding.blinded') : t('blinding.unblinded')}
    </Badge>
  );
}
