import { Button, Card, PinInput, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { api, isApiError } from '../../lib/api';
import { CABINET_ME, cabinetProgramSlug } from './cabinet-api';

type Channel = 'phone' | 'email';

/** Sign-in with a one-time code sent by SMS to the phone or by email, whichever the member gave. */
export function CabinetSignIn() {
  const { t } = useTranslation();
  const location = useLocation();
  const queryClient = useQueryClient();
  const tenant = cabinetProgramSlug(location.search);
  const [channel, setChannel] = useState<Channel>('phone');
  const [address, setAddress] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<'address' | 'code'>('address');
  const who = () => ({ [channel]: address.trim(), ...(tenant ? { tenant } : {}) });
  const sendCode = useMutation({
    mutationFn: () => api.post('/v1/cabinet/login', who()),
    onSuccess: () => setStep('code'),
  });
  const verify = useMutation({
    mutationFn: () => api.post('/v1/cabinet/verify', { ...who(), code }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: CABINET_ME }),
  });
  const submitAddress = (e: FormEvent) => {
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
      {step === 'address' ? (
        <form onSubmit={submitAddress}>
          <Stack>
            <Title order={2} size="h3">
              {t('cabinet.signInTitle')}
            </Title>
            <SegmentedControl
              fullWidth
              aria-label={t('cabinet.signInWith')}
              value={channel}
              onChange={(v) => {
                setChannel(v as Channel);
                setAddress('');
                sendCode.reset();
              }}
              data={[
                { value: 'phone', label: t('cabinet.byPhone') },
                { value: 'email', label: t('cabinet.byEmail') },
              ]}
            />
            <Text size="sm" c="dimmed">
              {channel === 'phone' ? t('cabinet.signInHint') : t('cabinet.signInEmailHint')}
            </Text>
            {channel === 'phone' ? (
              <TextInput
                key="phone"
                size="lg"
                label={t('cabinet.phone')}
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                value={address}
                onChange={(e) => setAddress(e.currentTarget.value)}
                required
                data-autofocus
              />
            ) : (
              <TextInput
                key="email"
                size="lg"
                label={t('cabinet.email')}
                type="email"
                inputMode="email"
                autoComplete="email"
                value={address}
                onChange={(e) => setAddress(e.currentTarget.value)}
                required
              />
            )}
            {sendCode.isError && <ErrorAlert error={sendCode.error} />}
            <Button
              type="submit"
              size="lg"
              loading={sendCode.isPending}
              disabled={channel === 'phone' ? address.trim().length < 5 : !address.includes('@')}
            >
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
              {channel === 'phone'
                ? t('cabinet.codeHint', { phone: address.trim() })
                : t('cabinet.codeEmailHint', { email: address.trim() })}
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
                setStep('address');
                setCode('');
                verify.reset();
              }}
            >
              {channel === 'phone' ? t('cabinet.changePhone') : t('cabinet.changeEmail')}
            </Button>
          </Stack>
        </form>
      )}
    </Card>
  );
}
