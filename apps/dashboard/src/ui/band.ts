export type Band = 'on_track' | 'at_risk' | 'off_track';

export const BAND_LABEL: Record<Band, string> = { on_track: 'On track', at_risk: 'At risk', off_track: 'Off track' };

/** Band colours (text and fill) chosen for at least 4.5:1 contrast on white; the label always goes with the colour. */
export const BAND_COLOUR: Record<Band, string> = { on_track: '#1b6e3a', at_risk: '#8a5a00', off_track: '#b3261e' };

export const COMPONENT_LABEL: Record<string, string> = {
  schedule: 'Schedule',
  cost: 'Cost',
  outcomes: 'Outcomes',
  focus: 'Focus',
  risk: 'Risk',
};
