import { DomainError } from '@throughline/service-kit/domain';
import { DEFAULT_SETTINGS } from '../scoring/alignment-formula';
import { validateSettings } from './alignment-settings';

describe('alignment settings', () => {
  it.each([
    [
      'all weights zero',
      { ...DEFAULT_SETTINGS, weights: { schedule: 0, cost: 0, outcomes: 0, focus: 0, risk: 0 } },
      'weights',
    ],
    ['at risk not below on track', { ...DEFAULT_SETTINGS, bands: { onTrack: 50, atRisk: 50 } }, 'bands.atRisk'],
  ])('refuses %s', (_, settings, field) => {
    expect(() => validateSettings(settings)).toThrow(DomainError);
    try {
      validateSettings(settings);
    } catch (error) {
      expect((error as DomainError).fields[0].field).toBe(field);
    }
  });

  it('accepts the defaults', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toBe(DEFAULT_SETTINGS);
  });
});
