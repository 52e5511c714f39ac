import { Badge, Button, Group, Menu, Stack, Text, Tooltip } from '@mantine/core';
import { IconArchive, IconCheck, IconChevronDown } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_IS_BLINDED } from '../../../shared/roles';
import { VeilError } from '../../../shared/errors';
import { BlindingBadge } from '../common/BlindingBadge';
import { translateServerMessage } from '../i18n/serverMessages';
import { useActiveSession } from '../session/SessionContext';
import { useSwitchStudy } from '../session/useSwitchStudy';
import { useSystemInfo } from '../system/SystemInfoContext';

/**
 * The study the window works in, in the header. With one study it is a label; with several it is a menu of the studies
 * the user works in today, each with their role there and whether it is blinded, since one person may be unblinded in
 * one study and blinded in another. Switching leaves the page for home: every screen reads the new study from the start.
 * Archived studies (closed, out of the day's lists) come last, under their own heading, still open for reading.
 */
export function StudySwitcher({ onSwitched }: { onSwitched: () => void }) {
  const { t } = useTranslation();
  const session = useActiveSession();
  const switchStudy = useSwitchStudy();
  const info = useSystemInfo();
  const [refusal, setRefusal] = useState<string | null>(null);
  const current = session.study;

  if (session.studies.length < 2) {
    if (!info?.study) return null;
    return (
      <Tooltip label={`${info.study.title} · ${info.study.sponsor}`} multiline maw={420}>
        <Badge variant="outline" size="lg" data-testid="header-study-code">
          {info.study.code}
        </Badge>
      </Tooltip>
    );
  }

  const switchTo = async (code: string) => {
    setRefusal(null);
    try {
      await switchStudy(code);
      onSwitched();
    } catch (error) {
      setRefusal(error instanceof VeilError ? translateServerMessage(error, t) : String(error));
    }
  };

  return (
    <Menu position="bottom-start" width={420} withinPortal>
      <Menu.Target>
        {/* Only a refused switch is said here (the study ended meanwhile, say); the menu itself says what it offers. */}
        <Tooltip label={refusal ?? ''} disabled={!refusal} opened={refusal ? true : undefined} color="red" multiline maw={420}>
          <Button variant="default" rightSection={<IconChevronDown size="1em" aria-hidden />} data-testid="study-switcher" aria-label={t('studySwitcher.label', { code: current?.code ?? '' })}>
            {current?.code ?? t('studySwitcher.none')}
          </Button>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown data-testid="study-switcher-menu">
        <Menu.Label>{t('studySwitcher.title')}</Menu.Label>
        {session.studies.filter((s) => !s.archived).map(item)}
        {session.studies.some((s) => s.archived) && (
          <>
            <Menu.Divider />
            <Menu.Label data-testid="study-switcher-archived">{t('studySwitcher.archivedTitle')}</Menu.Label>
            {session.studies.filter((s) => s.archived).map(item)}
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );

  function item(study: (typeof session.studies)[number]) {
    return (
      <Menu.Item
        key={study.code}
        onClick={() => void (study.code === current?.code ? undefined : switchTo(study.code))}
        leftSection={study.code === current?.code ? <IconCheck size="1em" aria-label={t('studySwitcher.current')} /> : <span style={{ width: '1em', display: 'inline-block' }} />}
        data-testid={`study-switcher-${study.code}`}
        aria-current={study.code === current?.code ? 'true' : undefined}
      >
        <Stack gap={2}>
          <Text fw={700} size="sm">
            {study.code}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {study.title}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Text size="xs">{t(`roles.${study.role}`)}</Text>
            <BlindingBadge blinded={ROLE_IS_BLINDED[study.role]} size="sm" testId={`study-switcher-blinding-${study.code}`} />
            {study.archived && (
              <Badge size="sm" variant="light" color="gray" leftSection={<IconArchive size="1em" aria-hidden />}>
                {t('studySwitcher.archived')}
              </Badge>
            )}
          </Group>
        </Stack>
      </Menu.Item>
    );
  }
}
