import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { backoffMs, isSuccessStatus } from '../webhooks/delivery-lifecycle';
import { EndpointRequester } from '../webhooks/endpoint-request';
import { NOTIFICATION_SETTINGS, NotificationSettings } from './notification-settings';

interface ClaimedMessage {
  message_id: string;
  channel: 'email' | 'chat';
  destination: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  chat_payload: object | null;
  attempts: number;
}

const BATCH = 16;
const LEASE_SECONDS = 120;

/**
 * Sends queued messages: claimed with a lease (several instances never send one at once), each
 * on its own, so a failing SMTP server or chat endpoint delays only its own messages — retried
 * with exponential backoff, then marked failed with the last error (kept for the record).
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly mail?: Transporter;
  private readonly chat: EndpointRequester;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {
    this.mail = settings.smtpUrl ? createTransport(settings.smtpUrl) : undefined;
    this.chat = new EndpointRequester(settings.production);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.chat.close();
    this.mail?.close();
  }

  /** Sends what is due now (also called by the loop); returns how many messages it attempted. */
  async sendDue(): Promise<number> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [claimed]: [ClaimedMessage[], number] = await this.dataSource.query(
      `UPDATE notification_message SET leased_until = now() + make_interval(secs => $2)
       WHERE message_id IN (
         SELECT message_id FROM notification_message
         WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING message_id, channel, destination, subject, body_text, body_html, chat_payload, attempts`,
      [BATCH, LEASE_SECONDS],
    );
    await Promise.all(claimed.map((message) => this.send(message)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.sendDue();
      } catch (error) {
        this.logger.error(`sending notifications failed: ${String(error)}`);
      }
      if (sent === 0 && this.running)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.settings.pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
    }
  }

  private async send(message: ClaimedMessage): Promise<void> {
    let error: string | null = null;
    try {
      if (message.channel === 'email') {
        if (!this.mail) throw new Error('no SMTP server is configured (NOTIFY_SMTP_URL)');
        await this.mail.sendMail({
          from: this.settings.from,
          to: message.destination,
          subject: message.subject,
          text: message.body_text,
          html: message.body_html ?? undefined,
        });
      } else {
        const status = await this.chat.post(message.destination, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message.chat_payload),
          timeoutMs: 10_000,
        });
        if (!isSuccessStatus(status)) throw new Error(`the chat endpoint answered ${status}`);
      }
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const attempts = message.attempts + 1;
    if (error === null) {
      await this.dataSource.query(
        `UPDATE notification_message SET status = 'sent', attempts = $2, sent_at = now(), leased_until = NULL, last_error = NULL
         WHERE message_id = $1`,
        [message.message_id, attempts],
      );
      return;
    }
    const failed = attempts >= this.settings.maxAttempts;
    this.logger.warn(
      `${message.channel} message ${message.message_id} failed (attempt ${attempts}${failed ? ', giving up' : ''}): ${error}`,
    );
    await this.dataSource.query(
      `UPDATE notification_message SET status = $2, attempts = $3, last_error = $4, leased_until = NULL,
         next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
       WHERE message_id = $1`,
      [
        message.message_id,
        failed ? 'failed' : 'pending',
        attempts,
        error.slice(0, 2000),
        backoffMs(attempts, this.settings),
      ],
    );
  }
}
