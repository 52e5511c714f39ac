import { Button, Group } from '@mantine/core';
import { IconArrowsExchange } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VeilError } from '../../../shared/errors';
import { useSwitchStudy } from '../session/useSwitchStudy';

/** The study a refusal names as the one a scanned kit belongs to (`scans.otherStudy`), if it is such a refusal. */
export function otherStudyOf(error: VeilError | null): string | null {
  if (!error) return null;
  const said = error.key === 'scans.otherStudy' ? error : error.issues?.find((i) => i.key === 'scans.otherStudy');
  const study = said?.params?.study;
  return typeof study === 'string' ? study : null;
}

/**
 * Under a refusal saying that a scanned kit belongs to another study the user works in: the offer to switch to it.
 * The page is then built anew in that study (AppLayout), where the kit can be scanned again.
 */
export function OtherStudyOffer({ error }: { error: VeilError | null }) {
  const { t } = useTranslation();
  const switchStudy = useSwitchStudy();
  const [switching, setSwitching] = useState(false);
  const study = otherStudyOf(error);
  if (!study) return null;
  return (
    <Group mt="sm">
      <Button
        variant="default"
        leftSection={<IconArrowsExchange size="1.1em" aria-hidden />}
        loading={switching}
        data-testid="switch-to-other-study"
        onClick={() => {
          setSwitching(true);
          void switchStudy(study)
            // Refused (the delegation ended meanwhile): the session is read again by the client, and says why.
            .catch(() => undefined)
            .finally(() => setSwitching(false));
        }}
      >
        {t('studySwitcher.switchTo', { code: study })}
      </Button>
    </Group>
  );
}
