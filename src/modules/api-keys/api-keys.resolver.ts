import { Args, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import { IdArg } from '../../common/validation/id';
import type { RequestContext } from '../../common/graphql/request-context';
import { Organisation } from '../organisations/organisation.model';
import { OrganisationsService } from '../organisations/organisations.service';
import { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-key.model';
import { ApiKeysService } from './api-keys.service';

@Resolver(() => ApiKey)
export class ApiKeysResolver {
  constructor(
    private readonly service: ApiKeysService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Allow('USER')
  @Query(() => [ApiKey], { description: 'Admins of the organisation only.' })
  apiKeys(@IdArg('organisationId') organisationId: string, @Ctx() ctx: RequestContext): Promise<ApiKey[]> {
    return this.service.list(ctx, organisationId);
  }

  @Allow('USER')
  @Mutation(() => CreatedApiKey)
  createApiKey(@Args('input') input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreatedApiKey> {
    return this.service.create(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => ApiKey)
  revokeApiKey(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<ApiKey> {
    return this.service.revoke(ctx, id);
  }

  @Public()
  @ResolveField(() => Organisation)
  organisation(key: ApiKey, _args: unknown, ctx: RequestContext): Promise<Organisation> {
    return this.organisations.load(ctx, key.organisationId);
  }
}
