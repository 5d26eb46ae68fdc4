import { Button, Card, PinInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { api, isApiError } from '../../lib/api';
import { CABINET_ME, cabinetProgramSlug } from './cabinet-api';

export function CabinetSignIn() {
  const { t } = useTranslation();
  const location = useLocation();
  const queryClient = useQueryClient();
  const tenant = cabinetProgramSlug(location.search);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'phone' | 'code'>('phone');
  const sendCode = useMutation({
    mutationFn: () => api.post('/v1/cabinet/login', { phone: phone.trim(), ...(tenant ? { tenant } : {}) }),
    onSuccess: () => setStep('code'),
  });
  const verify = useMutation({
    mutationFn: () =>
      api.post('/v1/cabinet/verify', { phone: phone.trim(), code, ...(tenant ? { tenant } : {}) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: CABINET_ME }),
  });
  const submitPhone = (e: FormEvent) => {
    e.preventDefault();
    sendCode.mutate();
  };
  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    verify.mutate();
  };
  const reason =
    isApiError(verify.error, 'unauthorized') &&
    (verify.error.details as { reason?: string } | undefined)?.reason;
  return (
    <Card withBorder padding="lg" radius="lg">
      {step === 'phone' ? (
        <form onSubmit={submitPhone}>
          <Stack>
            <Title order={2} size="h3">
              {t('cabinet.signInTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('cabinet.signInHint')}
            </Text>
            <TextInput
              size="lg"
              label={t('cabinet.phone')}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              value={phone}
              onChange={(e) => setPhone(e.currentTarget.value)}
              required
              data-autofocus
            />
            {sendCode.isError && <ErrorAlert error={sendCode.error} />}
            <Button type="submit" size="lg" loading={sendCode.isPending} disabled={phone.trim().length < 5}>
              {t('cabinet.getCode')}
            </Button>
          </Stack>
        </form>
      ) : (
        <form onSubmit={submitCode}>
          <Stack>
            <Title order={2} size="h3">
              {t('cabinet.codeTitle')}
            </Title>
            <Text size="sm" c="dimmed" id="code-hint">
              {t('cabinet.codeHint', { phone: phone.trim() })}
            </Text>
            <PinInput
              length={6}
              type="number"
              size="lg"
              oneTimeCode
              value={code}
              onChange={setCode}
              aria-describedby="code-hint"
              getInputProps={(index) => ({ 'aria-label': t('cabinet.codeDigit', { n: index + 1 }) })}
            />
            {verify.isError &&
              (reason ? (
                <Text c="red.9" role="alert" size="sm">
                  {t(`cabinet.codeProblem.${reason as 'invalid'}`, {
                    defaultValue: t('cabinet.codeProblem.invalid'),
                  })}
                </Text>
              ) : (
                <ErrorAlert error={verify.error} />
              ))}
            <Button type="submit" size="lg" loading={verify.isPending} disabled={code.length !== 6}>
              {t('cabinet.signIn')}
            </Button>
            <Button
              variant="subtle"
              onClick={() => {
                setStep('phone');
                setCode('');
                verify.reset();
              }}
            >
              {t('cabinet.changePhone')}
            </Button>
          </Stack>
        </form>
      )}
    </Card>
  );
}
