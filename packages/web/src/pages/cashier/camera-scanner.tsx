import { Alert, Button, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { type CameraProblem, cameraProblemOf, createCodeReader } from '../../lib/camera-scan';

const FRAME_MS = 250;

/** The camera's picture and a scan loop; calls onCode once with the first code that `accept`s. */
function CameraView({
  onCode,
  accept,
}: {
  onCode: (text: string) => void;
  accept: (text: string) => boolean;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [ready, setReady] = useState(false);
  // The latest callbacks, without restarting the camera when the parent re-renders.
  const handlers = useRef({ onCode, accept });
  handlers.current = { onCode, accept };

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    const start = async () => {
      if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
        setProblem('insecure');
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' } },
          audio: false,
        });
        if (stopped || !video.current) return stop();
        video.current.srcObject = stream;
        await video.current.play();
        const reader = await createCodeReader();
        setReady(true);
        const tick = async () => {
          if (stopped || !video.current) return;
          const text = video.current.readyState >= 2 ? await reader.read(video.current) : null;
          if (stopped) return;
          if (text && handlers.current.accept(text)) {
            stop();
            handlers.current.onCode(text);
            return;
          }
          timer = setTimeout(() => void tick(), FRAME_MS);
        };
        void tick();
      } catch (err) {
        if (!stopped) setProblem(cameraProblemOf(err, window.isSecureContext));
      }
    };
    void start();
    return stop;
  }, []);

  if (problem) {
    return (
      <Alert color="red" variant="light" role="alert">
        {t(`cashier.camera.problem.${problem}`)}
      </Alert>
    );
  }
  return (
    <Stack gap="xs">
      <video
        ref={video}
        muted
        playsInline
        aria-label={t('cashier.camera.preview')}
        style={{ width: '100%', borderRadius: 8, background: '#000', minHeight: 200 }}
      />
      <Text size="sm" aria-live="polite">
        {ready ? t('cashier.camera.aim') : t('cashier.camera.starting')}
      </Text>
    </Stack>
  );
}

/** "Scan with the camera": a dialog with the camera; the first card or QR code read is the customer. */
export function CameraScanButton({
  onCode,
  accept,
}: {
  onCode: (text: string) => void;
  accept: (text: string) => boolean;
}) {
  const { t } = useTranslation();
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button variant="light" size="lg" onClick={open}>
        {t('cashier.camera.open')}
      </Button>
      <AppModal opened={opened} onClose={close} title={t('cashier.camera.title')}>
        <Stack>
          <CameraView
            accept={accept}
            onCode={(text) => {
              close();
              onCode(text);
            }}
          />
          <Button variant="subtle" onClick={close}>
            {t('common.cancel')}
          </Button>
        </Stack>
      </AppModal>
    </>
  );
}
