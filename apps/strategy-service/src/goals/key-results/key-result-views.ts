import { KeyResultView } from './dto/key-result.dto';
import { KeyResult } from './key-result.entity';

export function keyResultView(keyResult: KeyResult): KeyResultView {
  const { id, goalId, name, category, unit, baseline, target, direction, weight, version } = keyResult;
  return { id, goalId, name, category, unit, baseline, target, direction, weight, version };
}
