import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconUrgent } from '@tabler/icons-react';
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload } from '../../../shared/contract';
import { formatDateTime } from '../common/format';
import { client } from '../transport/client';

type Notice = EventPayload<'patient.emergencyUnblinded'> & { key: number };

/**
 * The window's emergency-unblinding notices: the host pushes 'patient.emergencyUnblinded' to every window (patient,
 * who, when, adverse event; never the arm). They are kept in this window's memory until someone acknowledges them,
 * whoever is logged in, so the next user at the workstation is told too. Nothing is stored on disk.
 */
let notices: Notice[] = [];
let nextKey = 1;
let listening = false;
const subscribers = new Set<() => void>();

function publish(next: Notice[]): void {
  notices = next;
  for (const notify of [...subscribers]) notify();
}

function listen(): void {
  if (listening) return;
  listening = true;
  client.on('patient.emergencyUnblinded', (payload) => {
    // Only the fields the contract names are kept: nothing else could ride along.
    publish([...notices, { screeningNumber: payload.screeningNumber, by: payload.by, at: payload.at, adverseEvent: payload.adverseEvent, key: nextKey++ }]);
  });
}

// From the window's start, logged in or not: a notice that arrives while the login screen shows is kept for whoever
// logs in next.
listen();

function subscribe(notify: () => void): () => void {
  subscribers.add(notify);
  return () => subscribers.delete(notify);
}

/** Mounted by the logged-in layout: a banner per unblinding notified to this window. */
export function UnblindingNotices() {
  const { t, i18n } = useTranslation();
  const shown = useSyncExternalStore(subscribe, () => notices);
  if (shown.length === 0) return null;
  return (
    <Stack gap="sm" mb="lg" data-testid="unblinding-notices">
      {shown.map((n) => (
        <Alert
          key={n.key}
          color="red"
          variant="filled"
          role="alert"
          icon={<IconUrgent aria-hidden />}
          title={t('emergency.notice.title')}
          data-testid="unblinding-notice"
          data-patient={n.screeningNumber}
        >
          <Group justify="space-between" align="center" wrap="nowrap" gap="md">
            <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
              <Text fw={700} data-testid="unblinding-notice-text">
                {t('emergency.notice.text', { patient: n.screeningNumber, by: n.by, time: formatDateTime(n.at, i18n.language) })}
              </Text>
              <Text data-testid="unblinding-notice-adverse">{n.adverseEvent ? t('emergency.notice.adverseYes') : t('emergency.notice.adverseNo')}</Text>
              <Text size="sm">{t('emergency.notice.noArm')}</Text>
            </Stack>
            <Button variant="white" color="red" style={{ flexShrink: 0 }} onClick={() => publish(notices.filter((x) => x.key !== n.key))} data-testid="unblinding-notice-acknowledge">
              {t('emergency.notice.acknowledge')}
            </Button>
          </Group>
        </Alert>
      ))}
    </Stack>
  );
}
