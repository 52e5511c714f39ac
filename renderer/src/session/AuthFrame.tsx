import { Badge, Box, Center, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useSystemInfo } from '../system/SystemInfoContext';
import { VeilMark } from '../layout/VeilMark';

/** The frame of the screens shown before the work starts (first start, login, lock, change of password). */
export function AuthFrame({ title, icon, children, testId }: { title: string; icon?: ReactNode; children: ReactNode; testId: string }) {
  const { t } = useTranslation();
  const info = useSystemInfo();
  return (
    <Box component="main" className="veil-auth-background" mih="100vh" py="xl" px="md">
      <Center mih="calc(100vh - 4rem)">
        <Paper withBorder shadow="md" radius="lg" p="xl" w="100%" maw={600} data-testid={testId}>
          <Stack gap="lg">
            <Group justify="space-between" wrap="nowrap" align="center">
              <VeilMark />
              <LanguageSwitch />
            </Group>
            <StudyIdentity />
            <Divider />
            <Group gap="sm" wrap="nowrap">
              {icon}
              <Title order={1} fz="h2">
                {title}
              </Title>
            </Group>
            {children}
            <Divider />
            <Text size="sm" c="dimmed" data-testid="version-line">
              {info ? t('system.versionLine', { version: info.version, mode: t(`system.mode.${info.mode}`) }) : t('system.connecting')}
            </Text>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}

/** Which study this workstation serves: code, title and sponsor (system.info). */
export function StudyIdentity() {
  const { t } = useTranslation();
  const info = useSystemInfo();
  if (!info) return null;
  if (!info.study) {
    return (
      <Text c="dimmed" data-testid="study-identity">
        {t('study.none')}
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="study-identity">
      <Group gap="xs">
        <IconFlask size="1.2em" aria-hidden />
        <Text size="sm" c="dimmed" tt="uppercase" fw={600}>
          {t('study.label')}
        </Text>
        <Badge variant="outline" size="lg" data-testid="study-code">
          {info.study.code}
        </Badge>
      </Group>
      <Text fw={600} data-testid="study-title">
        {info.study.title}
      </Text>
      <Text size="sm" c="dimmed" data-testid="study-sponsor">
        {t('study.sponsor', { sponsor: info.study.sponsor })}
      </Text>
    </Stack>
  );
}
