// Reading a member's QR code or card barcode with the device camera. The browser's own
// BarcodeDetector is used where it exists (Android, macOS, ChromeOS); elsewhere ZXing, loaded
// from our bundle only when the camera is first opened (no CDN).

export type ScanEngine = 'native' | 'zxing';
export type CameraProblem = 'insecure' | 'denied' | 'missing' | 'busy' | 'other';

/** What the scanner reads from one video frame: the code's text, or null when it sees none. */
export type CodeReader = { engine: ScanEngine; read: (video: HTMLVideoElement) => Promise<string | null> };

const FORMATS = ['qr_code', 'ean_13', 'code_128'];

type BarcodeDetectorLike = { detect: (source: HTMLVideoElement) => Promise<{ rawValue: string }[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
};

const detectorIn = (scope: object) => (scope as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;

/** The native detector when it reads QR codes here, else ZXing. */
export async function pickScanEngine(scope: object): Promise<ScanEngine> {
  const Detector = detectorIn(scope);
  if (typeof Detector !== 'function') return 'zxing';
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? [];
    return formats.includes('qr_code') ? 'native' : 'zxing';
  } catch {
    return 'zxing';
  }
}

export async function createCodeReader(scope: object = globalThis): Promise<CodeReader> {
  const Detector = detectorIn(scope);
  if (Detector && (await pickScanEngine(scope)) === 'native') {
    const formats = (await Detector.getSupportedFormats?.()) ?? FORMATS;
    const detector = new Detector({ formats: FORMATS.filter((f) => formats.includes(f)) });
    return {
      engine: 'native',
      read: async (video) => (await detector.detect(video))[0]?.rawValue ?? null,
    };
  }
  const { BrowserMultiFormatReader } = await import('@zxing/browser');
  const reader = new BrowserMultiFormatReader();
  return {
    engine: 'zxing',
    read: async (video) => {
      try {
        return reader.decode(video).getText();
      } catch {
        return null; // no code in this frame
      }
    },
  };
}

/** Why the camera did not open, in a form the screen can put into words. */
export function cameraProblemOf(err: unknown, secure: boolean): CameraProblem {
  if (!secure) return 'insecure';
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'other';
}
