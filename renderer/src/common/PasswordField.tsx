import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/** Mantine's PasswordInput, plus aria-invalid when it shows an error (its text inputs do this; it does not). */
export function PasswordField(props: PasswordInputProps & { 'data-testid'?: string }) {
  return <PasswordInput {...props} aria-invalid={props.error ? true : undefined} />;
}
