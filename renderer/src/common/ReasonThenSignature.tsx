import { Stack, Text, type MantineColor } from '@mantine/core';
import { IconSignature } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { channels, type ChannelName } from '../../../shared/contract';
import { VeilError } from '../../../shared/errors';
import { ReasonDialog } from './ReasonDialog';
import { SignatureDialog, type SignatureCredentials } from './SignatureDialog';

/**
 * One action kept in the record with its reason, and its e-signature when the channel is signed: the reason first (the
 * channel's own rule, `schema`), then, for a signed channel, the signature dialog showing what is signed and the reason
 * given. An unsigned action runs when the reason is given, its refusal shown in place. Every "reason, then sign" of
 * the app goes through here: quarantine decisions, excursion dispositions, kit exceptions, a dispensing undone.
 */
export function ReasonThenSignature<T>({
  channel,
  title,
  schema,
  reasonNeeded,
  translate,
  label,
  description,
  testIds,
  submitLabel,
  signLabel,
  submitColor = 'indigo',
  submitIcon,
  what,
  run,
  onDone,
  onClose,
}: {
  channel: ChannelName;
  title: string;
  /** The channel's input schema .pick({ reason: true }). */
  schema: z.ZodType;
  reasonNeeded: (t: TFunction) => string;
  translate: (message: string, t: TFunction) => string;
  label: string;
  description?: string;
  testIds: { modal: string; form: string; reason: string; submit: string; summary?: string };
  /** The reason dialog's button: "Continue to sign" for a signed action, the action itself otherwise. */
  submitLabel: string;
  /** The signature dialog's button. */
  signLabel?: string;
  submitColor?: MantineColor;
  submitIcon?: ReactNode;
  /** What the action does, shown in both dialogs. */
  what: ReactNode;
  run: (reason: string, signature: SignatureCredentials | null) => Promise<T>;
  onDone: (answer: T) => void;
  onClose: () => void;
}) {
  const signed = isSigned(channel);
  const [reason, setReason] = useState('');
  const [signing, setSigning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VeilError | null>(null);

  async function runUnsigned(given: string) {
    setBusy(true);
    setError(null);
    try {
      onDone(await run(given.trim(), null));
    } catch (caught) {
      setError(caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught)));
    } finally {
      setBusy(false);
    }
  }

  if (signing) {
    return (
      <SignatureDialog
        opened
        channel={channel}
        title={title}
        {...(signLabel ? { submitLabel: signLabel } : {})}
        onSign={(signature) => run(reason.trim(), signature)}
        onSigned={onDone}
        onClose={() => setSigning(false)}
      >
        <Stack gap="xs" data-testid={testIds.summary}>
          {what}
          <Text>
            <Text span fw={700}>
              {label}:
            </Text>{' '}
            {reason.trim()}
          </Text>
        </Stack>
      </SignatureDialog>
    );
  }
  return (
    <ReasonDialog
      title={title}
      modalTestId={testIds.modal}
      formTestId={testIds.form}
      schema={schema}
      reasonNeeded={reasonNeeded}
      translate={translate}
      label={label}
      {...(description ? { description } : {})}
      initialReason={reason}
      reasonTestId={testIds.reason}
      submitLabel={submitLabel}
      submitColor={submitColor}
      submitIcon={submitIcon ?? (signed ? <IconSignature size="1.1em" aria-hidden /> : undefined)}
      submitTestId={testIds.submit}
      busy={busy}
      error={error}
      hostFieldError={undefined}
      onEdited={() => setError(null)}
      onSubmit={(given) => {
        setReason(given);
        if (signed) setSigning(true);
        else void runUnsigned(given);
      }}
      onClose={onClose}
    >
      {what}
    </ReasonDialog>
  );
}

/** For callers' labels: whether a channel asks for an e-signature (its contract `signature` meaning). */
export function isSigned(channel: ChannelName): boolean {
  return channels.find((c) => c.name === channel)?.definition.signature != null;
}

