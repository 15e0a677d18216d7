import { sniff } from './sniff';

describe('sniff', () => {
  it('recognises a PDF by its header', () => {
    expect(sniff(Buffer.from('%PDF-1.7\n%âãÏÓ'))).toBe('application/pdf');
  });

  it('recognises PNG and JPEG by their magic bytes', () => {
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
  });

  it('refuses a Windows executable whatever it is called', () => {
    expect(sniff(Buffer.from('MZ\x90\x00\x03\x00\x00\x00'))).toBeNull();
  });

  it('refuses HTML (it would run in a browser if ever served inline)', () => {
    expect(sniff(Buffer.from('<!doctype html><script>'))).toBeNull();
  });

  it('refuses a header cut short', () => {
    expect(sniff(Buffer.from('%PD'))).toBeNull();
  });
});
