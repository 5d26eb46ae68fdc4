import { describe, expect, it } from 'vitest';
import { cameraProblemOf, pickScanEngine } from '../camera-scan';

class Detector {
  static formats = ['qr_code', 'ean_13'];
  static getSupportedFormats = async () => Detector.formats;
  detect = async () => [];
}

describe('camera scanning', () => {
  it('uses the browser detector only when it reads QR codes, ZXing otherwise', async () => {
    expect(await pickScanEngine({ BarcodeDetector: Detector })).toBe('native');
    expect(await pickScanEngine({})).toBe('zxing');
    class NoQr extends Detector {
      static override getSupportedFormats = async () => ['ean_13'];
    }
    expect(await pickScanEngine({ BarcodeDetector: NoQr })).toBe('zxing');
    class Broken extends Detector {
      static override getSupportedFormats = async (): Promise<string[]> => {
        throw new Error('not supported');
      };
    }
    expect(await pickScanEngine({ BarcodeDetector: Broken })).toBe('zxing');
  });

  it.each([
    [{ name: 'NotAllowedError' }, true, 'denied'],
    [{ name: 'SecurityError' }, true, 'denied'],
    [{ name: 'NotFoundError' }, true, 'missing'],
    [{ name: 'NotReadableError' }, true, 'busy'],
    [new Error('boom'), true, 'other'],
    [{ name: 'NotAllowedError' }, false, 'insecure'],
  ])('explains %o (secure page: %s) as %s', (err, secure, problem) => {
    expect(cameraProblemOf(err, secure)).toBe(problem);
  });
});
