import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { page, Page, PageQueryDto } from '../http/pagination';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only changes made by this person' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'throughline.goal.activated.v1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  eventType?: string;

  @ApiPropertyOptional({ description: 'Only changes of this aggregate (goal, task, …) id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class AuditEntryView {
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Null when the system reacted to another event' })
  actorId: string | null;
  @ApiProperty({ example: 'throughline.goal.activated.v1' }) eventType: string;
  @ApiProperty() subject: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'The request (or chain of events) this change belongs to' }) correlationId: string;
  @ApiProperty({ nullable: true }) causationId: string | null;
  @ApiProperty() at: string;
}

/** The organisation's audit trail in this service, for its admins and directors. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'Who changed what, when, from which request (newest first)' })
  async list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto): Promise<Page<AuditEntryView>> {
    const conditions = ['org_id = $1'];
    const values: unknown[] = [actor.orgId];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.eventType) add('event_type = ?', query.eventType);
    if (query.subject) add('subject = ?', query.subject);
    if (query.from) add('at >= ?', query.from);
    if (query.to) add('at <= ?', query.to);
    const where = conditions.join(' AND ');
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM audit_entry WHERE ${where}`,
      values,
    );
    const rows = await this.dataSource.query(
      `SELECT actor_id, event_type, subject, event_id, correlation_id, causation_id, at FROM audit_entry WHERE ${where} ORDER BY at DESC, id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, query.limit, query.offset],
    );
    return page(
      rows.map((row: Record<string, unknown>) => ({
        actorId: row.actor_id,
        eventType: row.event_type,
        subject: row.subject,
        eventId: row.event_id,
        correlationId: row.correlation_id,
        causationId: row.causation_id,
        at: (row.at as Date).toISOString(),
      })),
      total,
      query,
    );
  }
}
