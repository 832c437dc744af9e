import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { preparedQuery } from '../../common/database/raw-reads';
import { ForbiddenError } from '../../common/errors/domain-error';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { OrganisationsService } from '../organisations/organisations.service';
import { ConsentWordingEntity } from './consent-wording.entity';
import { ConsentWording } from './petition.model';

/** Each organisation's current contact-consent wording: its newest version, else the platform default. */
@Injectable()
export class ConsentWordingsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ConsentWordingEntity) private readonly wordings: Repository<ConsentWordingEntity>,
    private readonly organisations: OrganisationsService,
  ) {}

  current(ctx: RequestContext, organisationId: string): Promise<ConsentWording> {
    return ctx
      .loader<string, ConsentWording>('consentWordings.current', async (ids) => {
        const rows = await preparedQuery<ConsentWording & { organisationId: string }>(
          this.dataSource,
          `SELECT o.id AS "organisationId", w.id, w.text, w.created_at AS "createdAt"
             FROM unnest($1::uuid[]) AS o(id)
             CROSS JOIN LATERAL (
               SELECT * FROM consent_wordings w WHERE w.organisation_id = o.id OR w.organisation_id IS NULL
                ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1
             ) w`,
          [ids],
        );
        return byKey(ids, rows, (r) => r.organisationId).map((r) => ({ id: r!.id, text: r!.text, createdAt: r!.createdAt }));
      })
      .load(organisationId);
  }

  /** A version by id (any organisation's: callers reach it through a record that names it). */
  byId(ctx: RequestContext, id: string): Promise<ConsentWording | null> {
    return ctx
      .loader<string, ConsentWording | null>('consentWordings.byId', async (ids) => {
        const rows = await preparedQuery<ConsentWording>(
          this.dataSource,
          `SELECT id, text, created_at AS "createdAt" FROM consent_wordings WHERE id = ANY($1)`,
          [ids],
        );
        return byKey(ids, rows, (r) => r.id);
      })
      .load(id);
  }

  /** Admins publish a new version; earlier versions stay, so every signature's wording can be shown later. */
  async publish(ctx: RequestContext, organisationId: string, text: string): Promise<ConsentWording> {
    await this.organisations.requireVisible(organisationId);
    if (!(await ctx.grants()).isAdmin(organisationId)) throw new ForbiddenError('Only admins of the organisation set its consent wording');
    const row = await this.wordings.save(this.wordings.create({ organisationId, text }));
    return { id: row.id, text: row.text, createdAt: row.createdAt };
  }
}
