import { Module } from '@nestjs/common';
import { KeepGoalsFromStrategyEvents } from './keep-goals-from-strategy-events.handler';

/** Execution's copy of strategy's goals and key results, kept from events. */
@Module({ providers: [KeepGoalsFromStrategyEvents] })
export class GoalsModule {}
