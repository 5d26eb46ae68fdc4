import { Modal, type ModalProps } from '@mantine/core';

/**
 * Mantine's Modal as the app uses it: its close button is named by the theme, focus moves into
 * the dialog when it opens (data-autofocus picks the field) and back to the control that opened
 * it when it closes. Keep the dialog mounted while it closes (put `key`s inside, not on it), or
 * the focus has nowhere to return to.
 */
export function AppModal(props: ModalProps) {
  return <Modal returnFocus {...props} />;
}
