import { invalid } from '@throughline/service-kit/domain';
import { AlignmentSettings, COMPONENT_NAMES } from '../scoring/alignment-formula';

/** Checks settings an organisation asks for; refuses what would make scores meaningless. */
export function validateSettings(settings: AlignmentSettings): AlignmentSettings {
  const total = COMPONENT_NAMES.reduce((sum, name) => sum + settings.weights[name], 0);
  if (total <= 0) throw invalid('At least one component weight must be above 0.', 'weights');
  if (settings.bands.atRisk >= settings.bands.onTrack) {
    throw invalid(
      `bands.atRisk (${settings.bands.atRisk}) must be below bands.onTrack (${settings.bands.onTrack}).`,
      'bands.atRisk',
    );
  }
  return settings;
}
