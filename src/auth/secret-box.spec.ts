import { RuntimeConfig } from '../config/app-config';
import { SecretBox } from './secret-box';

const box = (key: string) =>
  new SecretBox({ auth: { mfaEncryptionKey: key } } as unknown as RuntimeConfig);

describe('SecretBox (TOTP secrets at rest, AES-256-GCM)', () => {
  const sut = box('ab'.repeat(32));

  it('opens what it sealed for the same owner', () => {
    const sealed = sut.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sut.open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('never stores the secret in the clear', () => {
    const sealed = sut.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed.toString('latin1')).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('uses a fresh nonce each time', () => {
    expect(sut.seal('s', 'u').equals(sut.seal('s', 'u'))).toBe(false);
  });

  it('refuses a sealed secret moved onto another user', () => {
    const sealed = sut.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(() => sut.open(sealed, 'user-2')).toThrow();
  });

  it('refuses a tampered sealed secret', () => {
    const sealed = sut.seal('JBSWY3DPEHPK3PXP', 'user-1');
    sealed[sealed.length - 1] ^= 1;
    expect(() => sut.open(sealed, 'user-1')).toThrow();
  });

  it('refuses to open with another key', () => {
    const sealed = sut.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(() => box(Buffer.alloc(32, 7).toString('base64')).open(sealed, 'user-1')).toThrow();
  });
});
