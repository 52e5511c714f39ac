import { Alert, Blockquote, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconSignature } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { ChannelName } from '../../../shared/contract';
import { VeilError } from '../../../shared/errors';
import { translateServerMessage } from '../i18n/serverMessages';
import { useActiveSession } from '../session/SessionContext';
import { translatedError } from './contractForm';
import { PasswordField } from './PasswordField';
import { signatureMessage, signatureValidate, type SignatureForm } from './signatureForm';
import { meaningOf, translateMeaning } from './signatureMeaning';

/**
 * Electronic signatures in the renderer (21 CFR 11.50, 11.200): one dialog for every signed command of the contract.
 *
 * Use it either as a component:
 *
 *   <SignatureDialog
 *     opened={open}
 *     channel="allocation.grantAccess"                 // its meaning is the contract's `signature` text
 *     onSign={(signature) => client.allocation.grantAccess({ userId, reason, signature })}
 *     onSigned={(answer) => ...}                        // the command's answer
 *     onClose={() => setOpen(false)}
 *   >
 *     <Text>What is signed: a summary, or extra fields such as a reason</Text>
 *   </SignatureDialog>
 *
 * or through the hook, which opens the dialog and resolves with the answer (null when the user cancels):
 *
 *   const signer = useSignedAction();
 *   const answer = await signer.sign('allocation.importList', (signature) => client.allocation.importList({ ..., signature }));
 *   ... {signer.dialog} somewhere in the page's JSX.
 *
 * `onSign` must reject with a VeilError when the command fails: the dialog stays open and shows the problem in place
 * (a wrong password on the password field, the first-signature rule on the username field, anything else above the
 * buttons). The username is asked at the first signature of a login session only; the server is the judge, so when it
 * answers that the username is missing, the field appears.
 */
export interface SignatureCredentials {
  username?: string;
  password: string;
}

export interface SignatureDialogProps<T> {
  opened: boolean;
  /** The signed command; the dialog states its meaning (shared/contract, the channel's `signature`). */
  channel: ChannelName;
  /** What is being signed, shown above the meaning: a summary of the record, or fields the command needs. */
  children?: ReactNode;
  /** The dialog's title; "Electronic signature" when not given. */
  title?: string;
  /** The label of the button that signs; "Sign" when not given. */
  submitLabel?: string;
  /** Runs the command with the signature. Reject with a VeilError to keep the dialog open and show why. */
  onSign: (signature: SignatureCredentials) => Promise<T>;
  /** The command succeeded with this answer (the dialog does not close itself: the caller decides). */
  onSigned: (answer: T) => void;
  onClose: () => void;
}

/** Login sessions (user and login time) that have signed once: after that, the password alone is asked. */
const sessionsThatSigned = new Set<string>();

function useSignatureSession() {
  const { user, since } = useActiveSession();
  const key = `${user.id}@${since}`;
  return { user, signedThisSession: sessionsThatSigned.has(key), markSigned: () => sessionsThatSigned.add(key) };
}


export function SignatureDialog<T>({ opened, channel, children, title, submitLabel, onSign, onSigned, onClose }: SignatureDialogProps<T>) {
  const { t } = useTranslation();
  const { user, signedThisSession, markSigned } = useSignatureSession();
  const [askUsername, setAskUsername] = useState(!signedThisSession);
  const form = useForm<SignatureForm>({ initialValues: { username: '', password: '' }, validate: signatureValidate(askUsername) });
  const { username, password } = form.values;
  // The host's refusal of the signature (a wrong password, the first-signature rule), already in the user's language.
  const [hostErrors, setHostErrors] = useState<{ username?: string; password?: string }>({});
  const fieldErrors = {
    username: translatedError(form.errors, 'username', signatureMessage, t) ?? hostErrors.username,
    password: translatedError(form.errors, 'password', signatureMessage, t) ?? hostErrors.password,
  };
  const [error, setError] = useState<VeilError | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  // Each opening starts clean: nothing typed for a previous signature stays in the form.
  useEffect(() => {
    if (!opened) return;
    setAskUsername(!signedThisSession);
    form.setValues({ username: '', password: '' });
    form.clearErrors();
    setHostErrors({});
    setError(null);
    setBusy(false);
    // signedThisSession is read at opening only.
  }, [opened]);

  const meaning = translateMeaning(meaningOf(channel), t);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setHostErrors({});
    const local = form.validate();
    if (local.hasErrors) {
      setError(null);
      (local.errors.username ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await onSign(askUsername ? { username: username.trim(), password } : { password });
      markSigned();
      form.setFieldValue('password', '');
      onSigned(answer);
    } catch (caught) {
      const failure = caught instanceof VeilError ? caught : new VeilError('internal', caught instanceof Error ? caught.message : String(caught));
      const onUsername = failure.issues?.some((i) => i.path[0] === 'signature' && i.path[1] === 'username');
      const onPassword = failure.issues?.some((i) => i.path[0] === 'signature' && i.path[1] === 'password');
      if (onUsername) {
        setAskUsername(true);
        setHostErrors({ username: translateServerMessage(failure, t) });
        window.setTimeout(() => usernameRef.current?.focus(), 0);
      } else if (onPassword) {
        form.setFieldValue('password', '');
        setHostErrors({ password: translateServerMessage(failure, t) });
        window.setTimeout(() => passwordRef.current?.focus(), 0);
      } else {
        setError(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={() => !busy && onClose()}
      closeOnClickOutside={false}
      size="lg"
      title={
        <Group gap="xs" wrap="nowrap">
          <IconSignature size="1.2em" aria-hidden />
          <span>{title ?? t('setup.signature.title')}</span>
        </Group>
      }
      data-testid="signature-dialog"
    >
      <form onSubmit={submit} noValidate data-testid="signature-form" data-channel={channel}>
        <Stack gap="md">
          {children}
          <Stack gap={4}>
            <Text fw={700}>{t('setup.signature.meaningLabel')}</Text>
            <Blockquote color="indigo" p="sm" m={0} fz="lg" data-testid="signature-meaning">
              {meaning}
            </Blockquote>
          </Stack>
          <Text data-testid="signature-signer">
            {t('setup.signature.signer')}{' '}
            <Text span fw={700}>
              {user.displayName}
            </Text>
            {' · '}
            <Text span ff="monospace">
              {user.username}
            </Text>
          </Text>
          {askUsername && (
            <TextInput
              ref={usernameRef}
              label={t('setup.signature.username')}
              description={t('setup.signature.usernameHint')}
              value={username}
              onChange={(e) => form.setFieldValue('username', e.currentTarget.value)}
              error={fieldErrors.username}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              data-autofocus
              data-testid="signature-username"
            />
          )}
          <PasswordField
            ref={passwordRef}
            label={t('setup.signature.password')}
            value={password}
            onChange={(e) => form.setFieldValue('password', e.currentTarget.value)}
            error={fieldErrors.password}
            autoComplete="current-password"
            data-autofocus={askUsername ? undefined : true}
            data-testid="signature-password"
          />
          <Text size="sm" fw={500} data-testid="signature-legal">
            {t('setup.signature.legal')}
          </Text>
          {error && (
            <Alert variant="light" color="red" icon={<IconAlertTriangle aria-hidden />} title={t(`errorCodes.${error.code}`)} role="alert" data-testid="signature-error">
              {translateServerMessage(error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy} data-testid="signature-cancel">
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} leftSection={<IconSignature size="1.1em" aria-hidden />} data-testid="signature-submit">
              {submitLabel ?? t('setup.signature.sign')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface SignRequest {
  channel: ChannelName;
  run: (signature: SignatureCredentials) => Promise<unknown>;
  summary?: ReactNode;
  title?: string;
  submitLabel?: string;
  resolve: (answer: unknown) => void;
}

/**
 * A signed command as a promise: `await signer.sign(channel, run, { summary })` opens the dialog and resolves with the
 * command's answer once signed, or null when the user cancels. Render `signer.dialog` in the page.
 */
export function useSignedAction() {
  const [request, setRequest] = useState<SignRequest | null>(null);

  const sign = useCallback(
    <T,>(channel: ChannelName, run: (signature: SignatureCredentials) => Promise<T>, options: { summary?: ReactNode; title?: string; submitLabel?: string } = {}) =>
      new Promise<T | null>((resolve) => {
        setRequest({ channel, run, ...options, resolve: (answer) => resolve(answer as T | null) });
      }),
    [],
  );

  const dialog = request ? (
    <SignatureDialog<unknown>
      opened
      channel={request.channel}
      {...(request.title ? { title: request.title } : {})}
      {...(request.submitLabel ? { submitLabel: request.submitLabel } : {})}
      onSign={request.run}
      onSigned={(answer) => {
        request.resolve(answer);
        setRequest(null);
      }}
      onClose={() => {
        request.resolve(null);
        setRequest(null);
      }}
    >
      {request.summary}
    </SignatureDialog>
  ) : null;

  return { sign, dialog, signing: request !== null };
}
