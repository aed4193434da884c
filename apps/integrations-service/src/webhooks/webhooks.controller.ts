import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, CurrentActor, IfMatch, Page, withETag } from '@throughline/service-kit';
import {
  CreateWebhookDto,
  DeliveryDto,
  DeliveryPageDto,
  DeliveryQueryDto,
  ReplayedDto,
  RotateSecretDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookPageDto,
  WebhookQueryDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary:
      'Register an endpoint for some event types of your organisation; the response shows the signing secret, once.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateWebhookDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookWithSecretDto> {
    return withETag(response, await this.webhooks.create(actor, body));
  }

  @Get()
  @ApiOperation({ summary: 'List the webhooks of your organisation' })
  @ApiOkResponse({ type: WebhookPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: WebhookQueryDto): Promise<Page<WebhookDto>> {
    return this.webhooks.list(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookDto })
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookDto> {
    return withETag(response, await this.webhooks.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, event types or description (If-Match required)' })
  @ApiOkResponse({ type: WebhookDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatch() version: number,
    @Body() body: UpdateWebhookDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookDto> {
    return withETag(response, await this.webhooks.update(actor, id, version, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the webhook and its delivery history (If-Match required)' })
  @ApiNoContentResponse()
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.webhooks.remove(actor, id, version);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replace the signing secret; the old one keeps signing (a second v1=) for the grace period. Shows the new secret, once.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  async rotateSecret(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatch() version: number,
    @Body() body: RotateSecretDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookWithSecretDto> {
    return withETag(response, await this.webhooks.rotateSecret(actor, id, version, body));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable a disabled webhook: its pending deliveries resume in order (If-Match required)' })
  @ApiOkResponse({ type: WebhookDto })
  async enable(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatch() version: number,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookDto> {
    return withETag(response, await this.webhooks.enable(actor, id, version));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a webhook: events are still recorded and go out once it is enabled (If-Match required)',
  })
  @ApiOkResponse({ type: WebhookDto })
  async disable(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatch() version: number,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookDto> {
    return withETag(response, await this.webhooks.disable(actor, id, version));
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Deliveries of the webhook, newest first; status=dead_lettered is its dead-letter list' })
  @ApiOkResponse({ type: DeliveryPageDto })
  deliveries(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DeliveryQueryDto,
  ): Promise<Page<DeliveryDto>> {
    return this.webhooks.deliveries(actor, id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOkResponse({ type: DeliveryDto })
  delivery(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<DeliveryDto> {
    return this.webhooks.delivery(actor, id, deliveryId);
  }

  @Post(':id/dead-letters/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send every dead-lettered delivery of the webhook again (after fixing the endpoint)' })
  @ApiAcceptedResponse({ type: ReplayedDto })
  replayDeadLetters(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ReplayedDto> {
    return this.webhooks.replayDeadLetters(actor, id);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivered or dead-lettered event again (409 if it is still pending)' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  replay(
    @CurrentActor() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<DeliveryDto> {
    return this.webhooks.replay(actor, id, deliveryId);
  }
}
