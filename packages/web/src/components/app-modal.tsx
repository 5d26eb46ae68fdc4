import { Modal, type ModalProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Mantine's Modal with a named close button (screen readers otherwise hear an unnamed "button").
 * Focus moves into the dialog when it opens (data-autofocus picks the field) and back to the
 * control that opened it when it closes.
 */
export function AppModal(props: ModalProps) {
  const { t } = useTranslation();
  return <Modal returnFocus closeButtonProps={{ 'aria-label': t('common.close') }} {...props} />;
}
