import { DeliverableView } from './dto/deliverable.dto';
import { Deliverable } from './deliverable.entity';

export function deliverableView(deliverable: Deliverable): DeliverableView {
  const { id, goalId, title, managerId, dueDate, weight, budgetMinor, version } = deliverable;
  return { id, goalId, title, managerId, dueDate, weight, budgetMinor, version };
}
