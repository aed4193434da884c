import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../../../idempotency/idempotency.module';
import { MeasurementsController } from './measurements.controller';
import { MeasurementsService } from './measurements.service';

@Module({ imports: [IdempotencyModule], controllers: [MeasurementsController], providers: [MeasurementsService] })
export class MeasurementsModule {}
