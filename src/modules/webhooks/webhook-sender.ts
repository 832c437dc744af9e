import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { Settings } from '../../common/config/settings';
import { isPublicAddress } from './address-guard';
import { REQUEST_TIMEOUT_MS } from './event-types';

export interface SendResult {
  /** The HTTP status, or null when none came back (refused address, timeout, connection error). */
  status: number | null;
  /** Why it failed, for logs; never holds the body or secret. */
  error?: string;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** Signs (Standard Webhooks) and posts one message, connecting only to an address it has checked. */
@Injectable()
export class WebhookSender {
  /** DNS resolution; tests replace it to make a hostname resolve to a private address (rebinding). */
  resolve: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

  constructor(private readonly settings: Settings) {}

  /** `webhook-signature`: one `v1,` signature per secret (space-separated), so both verify during a rotation's overlap. */
  static signature(secrets: string[], messageId: string, at: Date, body: string): string {
    return secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(' ');
  }

  async send(url: string, secrets: string[], messageId: string, body: string): Promise<SendResult> {
    const allowPrivate = this.settings.config.WEBHOOK_ALLOW_PRIVATE;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { status: null, error: 'not a URL' };
    }
    if (target.protocol !== 'https:' && !(target.protocol === 'http:' && (allowPrivate || !this.settings.config.isProduction))) {
      return { status: null, error: 'only https URLs' };
    }
    // Resolve once, check, and connect to exactly that address (the Host header and TLS SNI keep the
    // name): a second lookup at connect time could answer differently (DNS rebinding).
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    let address: { address: string; family: number };
    try {
      address = isIP(hostname) ? { address: hostname, family: isIP(hostname) } : (await this.resolve(hostname))[0];
    } catch (error) {
      return { status: null, error: `DNS: ${(error as Error).message}` };
    }
    if (!address) return { status: null, error: 'DNS: no address' };
    if (!allowPrivate && !isPublicAddress(address.address)) return { status: null, error: `address ${address.address} is not public` };
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };

    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Marea-Webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': WebhookSender.signature(secrets, messageId, at, body),
    };
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      const request = client.request(
        target,
        { method: 'POST', headers, lookup: pinned, servername: isIP(hostname) ? undefined : hostname, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
        (response) => {
          // Redirects are never followed (node's client doesn't): a 3xx is a failure like any non-2xx.
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? null }));
          response.on('error', () => resolve({ status: response.statusCode ?? null }));
        },
      );
      request.on('error', (error) =>
        resolve({ status: null, error: error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timeout' : error.message }),
      );
      request.end(body);
    });
  }
}
