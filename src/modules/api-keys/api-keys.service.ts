import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Actor, ApiScope } from '../../common/auth/actor';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { OrganisationsService } from '../organisations/organisations.service';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKey, CreateApiKeyInput, CreatedApiKey, toApiKey } from './api-key.model';

export const API_KEY_PREFIX = 'mk_';
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  /** When this instance last wrote lastUsedAt per key: at most one write a minute per key and instance. */
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly organisations: OrganisationsService,
  ) {}

  /** The actor for a presented key; unknown and revoked keys are refused at once. */
  async authenticate(secret: string): Promise<Actor> {
    const key = await this.keys.findOne({ where: { secretHash: sha256(secret) }, select: { id: true, organisationId: true, scopes: true, revokedAt: true } });
    if (!key || key.revokedAt) throw new UnauthenticatedError('Invalid or revoked API key');
    this.touch(key.id);
    return { kind: 'apiKey', apiKeyId: key.id, organisationId: key.organisationId, scopes: new Set(key.scopes as ApiScope[]) };
  }

  async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    await this.requireAdmin(ctx, input.organisationId);
    const secret = randomSecret(API_KEY_PREFIX);
    const entity = await this.keys.save(
      this.keys.create({
        organisationId: input.organisationId,
        name: input.name,
        prefix: secret.slice(0, 11),
        secretHash: sha256(secret),
        scopes: input.scopes,
        createdById: (await ctx.grants()).userId ?? null,
      }),
    );
    return { apiKey: toApiKey(entity), secret };
  }

  async list(ctx: RequestContext, organisationId: string): Promise<ApiKey[]> {
    await this.requireAdmin(ctx, organisationId);
    const rows = await this.keys.find({ where: { organisationId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toApiKey);
  }

  /** Only admins of the key's organisation know it exists. */
  async revoke(ctx: RequestContext, id: string): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key || !(await ctx.grants()).isAdmin(key.organisationId)) throw new NotFoundError('API key');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.keys.update({ id }, { revokedAt: key.revokedAt });
    }
    return toApiKey(key);
  }

  private async requireAdmin(ctx: RequestContext, organisationId: string): Promise<void> {
    await this.organisations.requireVisible(organisationId);
    if (!(await ctx.grants()).isAdmin(organisationId)) throw new ForbiddenError('Only admins of the organisation manage its API keys');
  }

  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(id) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(id, now);
    this.keys
      .query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id])
      .catch((error: Error) => this.logger.warn(`could not record API key use: ${error.message}`));
  }
}
