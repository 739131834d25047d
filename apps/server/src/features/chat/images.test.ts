// Images sent with a chat message: the capability gate, the magic bytes that
// must match the declared type, and the size cap.
import { describe, expect, it } from 'vitest';
import { MAX_CHAT_IMAGE_BYTES } from '@bottega/protocol';
import { AppError } from '../../errors';
import { CLAUDE_CAPABILITIES } from '../../harness/providers/claude/provider';
import { sniffImageType, validateImages } from './images';

const b64 = (bytes: number[] | Uint8Array) => Buffer.from(bytes).toString('base64');
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16];
const GIF = [...Buffer.from('GIF89a'), 1, 0];
const WEBP = [...Buffer.from('RIFF'), 4, 0, 0, 0, ...Buffer.from('WEBPVP8 ')];
const withImages = { capabilities: CLAUDE_CAPABILITIES };
const withoutImages = { capabilities: { ...CLAUDE_CAPABILITIES, supportsImages: false } };

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('chat images', () => {
  it('recognises PNG, JPEG, GIF and WebP by their magic bytes, nothing else', () => {
    expect(sniffImageType(Uint8Array.from(PNG))).toBe('image/png');
    expect(sniffImageType(Uint8Array.from(JPEG))).toBe('image/jpeg');
    expect(sniffImageType(Uint8Array.from(GIF))).toBe('image/gif');
    expect(sniffImageType(Uint8Array.from(WEBP))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(Buffer.from('RIFF0000WAVE'))).toBeNull();
  });

  it('passes checked images to a provider that supports them', () => {
    const images = [
      { mediaType: 'image/png' as const, data: b64(PNG) },
      { mediaType: 'image/webp' as const, data: b64(WEBP) },
    ];
    expect(validateImages(withImages, 'anthropic', images)).toEqual(images);
    expect(validateImages(withoutImages, 'openai', undefined)).toEqual([]);
    expect(validateImages(withoutImages, 'openai', [])).toEqual([]);
  });

  it('refuses images for a provider without the capability', () => {
    const r = refusal(() => validateImages(withoutImages, 'openai', [{ mediaType: 'image/png', data: b64(PNG) }]));
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.message).toContain('openai does not accept images');
  });

  it('refuses bytes that are not the declared type, or no image at all', () => {
    expect(refusal(() => validateImages(withImages, 'anthropic', [{ mediaType: 'image/png', data: b64(JPEG) }])).message).toContain(
      'declared as image/png but is image/jpeg',
    );
    expect(
      refusal(() => validateImages(withImages, 'anthropic', [{ mediaType: 'image/gif', data: b64(Buffer.from('#!/bin/sh\necho hi')) }]))
        .message,
    ).toContain('not a PNG');
  });

  it('refuses an image over the size cap', () => {
    const big = new Uint8Array(MAX_CHAT_IMAGE_BYTES + 1);
    big.set(PNG);
    expect(refusal(() => validateImages(withImages, 'anthropic', [{ mediaType: 'image/png', data: b64(big) }])).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });
});
