import { ApiProperty } from '@nestjs/swagger';

export class ScoreComponentView {
  @ApiProperty({ example: 'delivery' }) name: string;
  @ApiProperty({ example: 62.5 }) value: number;
  @ApiProperty({ example: 1 }) weight: number;
  @ApiProperty({ example: 62.5, description: 'What this component adds to the score' }) contribution: number;
}

export class ScoreDriverView {
  @ApiProperty({ enum: ['task'] }) kind: 'task';
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Points of the score this item accounts for' }) effect: number;
}

export class GoalScoreView {
  @ApiProperty({ format: 'uuid' }) goalId: string;
  @ApiProperty({ minimum: 0, maximum: 100, example: 62.5 }) score: number;
  @ApiProperty({ enum: ['on_track', 'at_risk', 'off_track'] }) band: string;
  @ApiProperty({ type: [ScoreComponentView] }) components: ScoreComponentView[];
  @ApiProperty({ type: [ScoreDriverView], description: 'What moved the score most' }) drivers: ScoreDriverView[];
  @ApiProperty() computedAt: string;
}

export class ScorePointView {
  @ApiProperty() score: number;
  @ApiProperty() band: string;
  @ApiProperty() at: string;
}
