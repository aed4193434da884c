import { parseIdempotencyKey } from './idempotency-key.rules';

describe('Idempotency-Key header', () => {
  it.each([
    [undefined, { key: undefined }],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', { key: '8e03978e-40d5-43e8-bc93-6894a57f9324' }],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', { key: '8e03978e-40d5-43e8-bc93-6894a57f9324' }],
    ['"with space and \\"quote\\""', { key: 'with space and "quote"' }],
    [' "padded" ', { key: 'padded' }],
    ['"', { problem: expect.stringContaining('printable ASCII') }],
    ['"unterminated', { problem: expect.stringContaining('printable ASCII') }],
    ['two words', { problem: expect.stringContaining('printable ASCII') }],
    ['"é"', { problem: expect.stringContaining('printable ASCII') }],
    ['""', { problem: 'must hold 1 to 255 characters' }],
    [`"${'k'.repeat(256)}"`, { problem: 'must hold 1 to 255 characters' }],
    [`"${'k'.repeat(255)}"`, { key: 'k'.repeat(255) }],
  ])('reads %j', (header, expected) => {
    expect(parseIdempotencyKey(header)).toEqual(expected);
  });
});
