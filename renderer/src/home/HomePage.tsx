import { Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconFlask, IconUserCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { BlindingBadge } from '../common/BlindingBadge';
import { WORKFLOWS, canOpen } from '../layout/workflows';
import { useActiveSession } from '../session/SessionContext';
import { useSystemInfo } from '../system/SystemInfoContext';
import { ExcursionBanner } from '../storage/ExcursionBanner';
import { TodayCard } from './TodayCard';

/** What waits today (the Today card), who you are here (name, role, blinded or not), which study, and where to go. */
export function HomePage({ onOpen }: { onOpen: (route: string) => void }) {
  const { t } = useTranslation();
  const { user, permissions } = useActiveSession();
  const info = useSystemInfo();
  // Quick links to the workflows this role can open that exist in this version (the navigation lists them all).
  const workflows = WORKFLOWS.filter((w) => w.built && canOpen(w, permissions));
  return (
    <Stack gap="xl" maw={1100} data-testid="home-page">
      <Title order={1} fz="h1" data-testid="home-welcome">
        {t('home.welcome', { name: user.displayName })}
      </Title>
      {/* What waits today comes first: the day's work, then who you are here and the study. */}
      <ExcursionBanner onOpen={onOpen} />
      <TodayCard onOpen={onOpen} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Card withBorder radius="lg" padding="lg">
          <Stack gap="sm">
            <Group gap="xs">
              <ThemeIcon variant="light" size="lg" aria-hidden>
                <IconUserCircle size="70%" />
              </ThemeIcon>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                {t('home.yourRole')}
              </Text>
            </Group>
            <Text fz="xl" fw={700} data-testid="home-role" data-role={user.role}>
              {t(`roles.${user.role}`)}
            </Text>
            <Group>
              <BlindingBadge blinded={user.blinded} size="xl" />
            </Group>
            <Text data-testid="home-blinding-explanation">{user.blinded ? t('home.blindedExplanation') : t('home.unblindedExplanation')}</Text>
          </Stack>
        </Card>
        <Card withBorder radius="lg" padding="lg" data-testid="home-study">
          <Stack gap="sm">
            <Group gap="xs">
              <ThemeIcon variant="light" size="lg" aria-hidden>
                <IconFlask size="70%" />
              </ThemeIcon>
              <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
                {t('study.label')}
              </Text>
            </Group>
            {info?.study ? (
              <>
                <Text fz="xl" fw={700}>
                  {info.study.code}
                </Text>
                <Text>{info.study.title}</Text>
                <Text c="dimmed">{t('study.sponsor', { sponsor: info.study.sponsor })}</Text>
              </>
            ) : (
              <Text c="dimmed">{t('study.none')}</Text>
            )}
          </Stack>
        </Card>
      </SimpleGrid>
      {workflows.length > 0 && (
        <Stack gap="sm">
          <Title order={2} fz="h3">
            {t('home.workflows')}
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            {workflows.map((w) => (
              <UnstyledButton key={w.id} onClick={() => onOpen(w.id)} className="veil-tile" data-testid={`home-open-${w.id}`}>
                <Group gap="sm" wrap="nowrap">
                  <ThemeIcon variant="light" size="xl" aria-hidden>
                    <w.icon size="65%" />
                  </ThemeIcon>
                  <Stack gap={0}>
                    <Text fw={700}>{t(`workflows.${w.id}.title`)}</Text>
                    <Text size="sm" c="dimmed">
                      {t(`workflows.${w.id}.purpose`)}
                    </Text>
                  </Stack>
                </Group>
              </UnstyledButton>
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Stack>
  );
}
