import { IHeaders, Message } from 'kafkajs';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent } from '@throughline/contracts';
import { ORGANISATION_HEADER } from './organisation-partitioner';

/**
 * An event as the services publish it: its envelope as the value, its key, and its attributes
 * as `ce_` headers (CloudEvents' Kafka binding), among them the organisation the producer's
 * `organisationPartitioner` places it by.
 */
export function eventMessage(
  key: string,
  envelope: string,
  event: Pick<CloudEvent, 'id' | 'type' | 'orgid'>,
  headers: IHeaders = {},
): Message {
  return {
    key,
    value: envelope,
    headers: {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_id: event.id,
      ce_type: event.type,
      [ORGANISATION_HEADER]: event.orgid,
      ...headers,
    },
  };
}
