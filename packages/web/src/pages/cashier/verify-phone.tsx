import { Alert, Button, Group, PinInput, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { api } from '../../lib/api';

/** Paying with points for a customer found by phone: a one-time code proves they hold the phone. */
export function VerifyPhone({ phone, onVerified }: { phone: string; onVerified: (otp: string) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const send = useMutation({ mutationFn: () => api.post('/v1/verifications', { phone }) });
  const check = useMutation({
    mutationFn: () =>
      api.post<{ valid: boolean; status: string }>('/v1/verifications/check', { phone, otp: code }),
    onSuccess: (r) => {
      if (r.valid) onVerified(code);
    },
  });
  return (
    <Stack gap="sm">
      <Text size="sm">{t('cashier.verifyHint')}</Text>
      <Group>
        <Button size="md" variant="light" onClick={() => send.mutate()} loading={send.isPending}>
          {send.isSuccess ? t('cashier.resendCode') : t('cashier.sendCode')}
        </Button>
      </Group>
      {send.isError && <ErrorAlert error={send.error} />}
      {send.isSuccess && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            check.mutate();
          }}
        >
          <Stack gap="xs">
            <Text size="sm" id="otp-label">
              {t('cashier.enterCode')}
            </Text>
            <PinInput
              length={6}
              type="number"
              size="lg"
              oneTimeCode
              value={code}
              onChange={setCode}
              aria-labelledby="otp-label"
              getInputProps={(index) => ({ 'aria-label': t('cashier.codeDigit', { n: index + 1 }) })}
            />
            <Group>
              <Button type="submit" size="md" disabled={code.length !== 6} loading={check.isPending}>
                {t('cashier.checkCode')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {check.data && !check.data.valid && (
        <Alert color="red" role="alert">
          {t(`cashier.codeStatus.${check.data.status as 'invalid'}`, {
            defaultValue: t('cashier.codeStatus.invalid'),
          })}
        </Alert>
      )}
      {check.isError && <ErrorAlert error={check.error} />}
    </Stack>
  );
}
