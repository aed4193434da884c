import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Actor,
  ApiPageResponse,
  CorrelationId,
  CurrentActor,
  Page,
  PageQueryDto,
  Roles,
  Scopes,
} from '@throughline/service-kit';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_RETENTION_HOURS,
  parseIdempotencyKey,
} from '../../../idempotency/idempotency-key.rules';
import { MeasurementBatchView, MeasurementView, PushMeasurementDto } from './dto/measurement.dto';
import { MEASUREMENT_UPLOAD_TYPES, uploadFormatOf } from './measurement-uploads';
import { Answer, MeasurementsService } from './measurements.service';

/** The path of the bulk upload, whose body no parser buffers (AppModule's @StreamedUploads). */
export const MEASUREMENT_UPLOAD_PATH = '/v1/key-result-measurements';

const IDEMPOTENCY_KEY = ApiHeader({
  name: IDEMPOTENCY_KEY_HEADER,
  required: false,
  description: `Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): a string such as "8e03978e-40d5-43e8-bc93-6894a57f9324", unique per request, kept per caller for ${IDEMPOTENCY_KEY_RETENTION_HOURS} hours with the first response. The same key and body answer that response again (header Idempotent-Replayed: true) and record nothing; the same key with another body answers 422; while the first request with the key is still running, 409. A refused request (4xx) keeps no key.`,
});

const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description: 'true when this is the stored first response of the Idempotency-Key, answered again',
    schema: { type: 'string', enum: ['true'] },
  },
};

const UPLOAD_DESCRIPTION = [
  'One measurement per row, with the fields keyResultId (uuid), value (number), measuredAt (a date-time with offset, or a day) and source (the system it comes from).',
  '`application/x-ndjson`: one JSON object per line, e.g. {"keyResultId":"7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e","value":47.5,"measuredAt":"2026-02-28T17:00:00Z","source":"SAP S/4HANA"}.',
  '`text/csv` (UTF-8): a header row naming those four columns, then one row per measurement.',
  'Read as it arrives (not buffered); at most IMPORT_MAX_ROWS rows and SPREADSHEET_UPLOAD_LIMIT bytes (413 beyond).',
].join(' ');

@ApiTags('key results')
@ApiBearerAuth()
@Controller('v1')
export class MeasurementsController {
  constructor(private readonly measurements: MeasurementsService) {}

  @Post('goals/:goalId/key-results/:keyResultId/measurements')
  @Scopes('measurements:write')
  @ApiOperation({
    summary:
      'Push one measured value of a key result from another system (integrators): recorded with its source and time, and published as a check-in like a manager’s',
  })
  @IDEMPOTENCY_KEY
  @ApiCreatedResponse({ type: MeasurementView, headers: REPLAYED_HEADER })
  @ApiResponse({
    status: 409,
    description: 'The goal is not active, or a request with this Idempotency-Key is still running',
  })
  @ApiResponse({
    status: 422,
    description:
      'The value is out of range or measuredAt is in the future or before the goal began (errors names the field), or the Idempotency-Key was used for another request',
  })
  async push(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Body() body: PushMeasurementDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<MeasurementView> {
    const key = idempotencyKeyOf(idempotencyKey);
    return answered(response, await this.measurements.pushOne(actor, goalId, keyResultId, body, key, correlationId));
  }

  @Post(MEASUREMENT_UPLOAD_PATH.slice('/v1/'.length))
  @Roles('integrator')
  @Scopes('measurements:write')
  @ApiOperation({
    summary:
      'Push many measurements at once (integrators), as NDJSON or CSV, all or nothing: one refused row (unknown key result, out-of-range value, bad date…) records none and answers 422 naming each refused row',
  })
  @IDEMPOTENCY_KEY
  @ApiConsumes(...Object.values(MEASUREMENT_UPLOAD_TYPES))
  @ApiBody({ schema: { type: 'string' }, description: UPLOAD_DESCRIPTION })
  @ApiOkResponse({ type: MeasurementBatchView, headers: REPLAYED_HEADER, description: 'Every row was recorded' })
  @ApiResponse({ status: 409, description: 'A request with this Idempotency-Key is still running' })
  @ApiResponse({
    status: 422,
    description:
      'Rows were refused and nothing was recorded: errors names each (field "row 7 measuredAt", message what is wrong); or the Idempotency-Key was used for another request',
  })
  @ApiResponse({ status: 413, description: 'More than IMPORT_MAX_ROWS rows or SPREADSHEET_UPLOAD_LIMIT bytes' })
  async pushMany(
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<MeasurementBatchView> {
    const format = uploadFormatOf(request.headers['content-type']);
    if (!format)
      throw new HttpException(
        { message: `Send the measurements with content-type ${Object.values(MEASUREMENT_UPLOAD_TYPES).join(' or ')}.` },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    const key = idempotencyKeyOf(idempotencyKey);
    return answered(response, await this.measurements.pushMany(actor, request.raw, format, key, correlationId));
  }

  @Get('goals/:goalId/key-results/:keyResultId/measurements')
  @ApiOperation({ summary: 'The measurements pushed for a key result, latest measured first' })
  @ApiPageResponse(MeasurementView)
  list(
    @CurrentActor() actor: Actor,
    @Param('goalId', ParseUUIDPipe) goalId: string,
    @Param('keyResultId', ParseUUIDPipe) keyResultId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<MeasurementView>> {
    return this.measurements.list(actor, goalId, keyResultId, query);
  }
}

function idempotencyKeyOf(header: string | undefined): string | undefined {
  const parsed = parseIdempotencyKey(header);
  if ('problem' in parsed)
    throw new BadRequestException({
      message: `The ${IDEMPOTENCY_KEY_HEADER} header ${parsed.problem}.`,
      errors: [{ field: IDEMPOTENCY_KEY_HEADER, message: parsed.problem }],
    });
  return parsed.key;
}

function answered<T>(response: FastifyReply, answer: Answer<T>): T {
  response.status(answer.status);
  if (answer.replayed) response.header('Idempotent-Replayed', 'true');
  return answer.body;
}
